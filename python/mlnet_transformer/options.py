"""ModelOptions as the library writes them (ModelOptions.ToJson): every field is required here, so that no default is
defined twice; the library's JSON always carries all of them."""

from dataclasses import dataclass, fields
from typing import Any, Dict

# Python field name -> the library's JSON name.
_JSON_NAMES = {
    "vocabulary_size": "VocabularySize", "model_dimension": "ModelDimension", "heads": "Heads",
    "encoder_layers": "EncoderLayers", "decoder_layers": "DecoderLayers", "feed_forward_dimension": "FeedForwardDimension",
    "activation": "Activation", "embedding_dropout": "EmbeddingDropout", "attention_dropout": "AttentionDropout",
    "residual_dropout": "ResidualDropout", "feed_forward_dropout": "FeedForwardDropout", "max_length": "MaxLength",
    "allow_length_extrapolation": "AllowLengthExtrapolation", "attention": "Attention", "attention_window": "AttentionWindow",
    "global_tokens": "GlobalTokens", "positional_encoding": "PositionalEncoding", "norm_placement": "NormPlacement",
    "tie_embeddings": "TieEmbeddings", "layer_norm_epsilon": "LayerNormEpsilon", "scale_embeddings": "ScaleEmbeddings",
    "padding_id": "PaddingId",
}

_CHOICES = {
    "activation": ("Relu", "Gelu"),
    "attention": ("Full", "SlidingWindow", "Linear"),
    "positional_encoding": ("None", "Sinusoidal", "Learned", "Rotary"),
    "norm_placement": ("PreNorm", "PostNorm"),
}


@dataclass(frozen=True)
class ModelOptions:
    """The shape of the network; see the library's ModelOptions for what each field means."""

    vocabulary_size: int
    model_dimension: int
    heads: int
    encoder_layers: int
    decoder_layers: int
    feed_forward_dimension: int
    activation: str
    embedding_dropout: float
    attention_dropout: float
    residual_dropout: float
    feed_forward_dropout: float
    max_length: int
    allow_length_extrapolation: bool
    attention: str
    attention_window: int
    global_tokens: int
    positional_encoding: str
    norm_placement: str
    tie_embeddings: bool
    layer_norm_epsilon: float
    scale_embeddings: bool
    padding_id: int

    @property
    def head_dimension(self) -> int:
        return self.model_dimension // self.heads

    @staticmethod
    def from_json(values: Dict[str, Any]) -> "ModelOptions":
        """Reads the library's JSON; a missing or unknown name, or an unknown choice, raises ValueError naming it."""
        known = set(_JSON_NAMES.values())
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"ModelOptions has unknown fields: {', '.join(unknown)}")
        missing = [name for name in _JSON_NAMES.values() if name not in values]
        if missing:
            raise ValueError(f"ModelOptions lacks fields: {', '.join(missing)}")
        options = ModelOptions(**{field: values[name] for field, name in _JSON_NAMES.items()})
        for field, choices in _CHOICES.items():
            if getattr(options, field) not in choices:
                raise ValueError(f"ModelOptions.{_JSON_NAMES[field]} is {getattr(options, field)!r}; expected one of {choices}")
        if options.model_dimension % options.heads != 0:
            raise ValueError(f"ModelOptions.ModelDimension ({options.model_dimension}) must be divisible by Heads ({options.heads})")
        return options

    def to_json(self) -> Dict[str, Any]:
        return {_JSON_NAMES[f.name]: getattr(self, f.name) for f in fields(self)}
