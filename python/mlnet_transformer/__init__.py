"""The network of Microsoft.ML.Transformer in PyTorch, and the model folder (config.json + model.safetensors) that
both sides read and write. Parameter names equal the library's state-dict names, so a folder loads with strict=True."""

from .options import ModelOptions
from .model import EncoderDecoderModel
from .classifier import ClassifierModel
from .folder import ModelFolder, load_folder, save_folder

__all__ = ["ModelOptions", "EncoderDecoderModel", "ClassifierModel", "ModelFolder", "load_folder", "save_folder"]
