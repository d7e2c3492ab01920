using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Batching;

/// <summary>How rows become model inputs.</summary>
internal enum BatchLayout
{
    /// <summary>One text: <c>[CLS] a [SEP]</c>.</summary>
    Single,
    /// <summary>Two texts: <c>[CLS] a [SEP] b [SEP]</c>.</summary>
    Pair,
    /// <summary>Source and target: encoder <c>a [EOS]</c>, decoder <c>[BOS] y</c>, labels <c>y [EOS]</c>.</summary>
    Seq2Seq,
}

/// <summary>
/// Text → ids with the special tokens of a layout, cut to MaxLength by slicing ids (never by cutting text, which can
/// split a character); only as much of a text is encoded as the kept ids need. Counts truncated rows so the caller
/// can report them.
/// </summary>
internal sealed class SequenceEncoder
{
    private readonly TextTokenizer _tok;
    private readonly TruncationSide _side;
    private long _rows, _truncated;

    public SequenceEncoder(TextTokenizer tokenizer, BatchLayout layout, int maxLength, TruncationSide side = TruncationSide.KeepHead, int targetMaxLength = 0)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        int specials = SpecialCount(layout);
        if (maxLength <= specials)
            throw new ArgumentException(
                $"MaxLength {maxLength} leaves no room for text: {layout} input spends {specials} token(s) on special tokens ({Shape(layout)}); use at least {specials + 1}.",
                nameof(maxLength));
        if (layout == BatchLayout.Seq2Seq && targetMaxLength != 0 && targetMaxLength < 2)
            throw new ArgumentException($"Target MaxLength {targetMaxLength} leaves no room for text: targets spend 1 token on [BOS]/[EOS]; use at least 2.", nameof(targetMaxLength));
        (_tok, Layout, MaxLength, _side) = (tokenizer, layout, maxLength, side);
        TargetMaxLength = targetMaxLength > 0 ? targetMaxLength : maxLength;
    }

    public BatchLayout Layout { get; }
    public int MaxLength { get; }
    /// <summary>Longest decoder input (and label row) of a sequence-to-sequence target.</summary>
    public int TargetMaxLength { get; }
    public SpecialTokens Specials => _tok.Specials;
    public long Rows => _rows;
    public long TruncatedRows => _truncated;

    private static int SpecialCount(BatchLayout layout) => layout switch { BatchLayout.Pair => 3, BatchLayout.Single => 2, _ => 1 };
    private static string Shape(BatchLayout layout) => layout switch
    {
        BatchLayout.Pair => "[CLS] a [SEP] b [SEP]",
        BatchLayout.Single => "[CLS] a [SEP]",
        _ => "a [EOS]",
    };

    /// <summary>Encodes a row: the model input, and for Seq2Seq the target ids (no [BOS]/[EOS]; the batch adds them).</summary>
    public (int[] Input, int[]? Target) Encode(TextRow row)
    {
        _rows++;
        var s = _tok.Specials;
        bool cut = false;
        (int[] Input, int[]? Target) result;
        switch (Layout)
        {
            case BatchLayout.Single:
                result = ([s.Classification, .. Cut(Read(row.Text, MaxLength - 2), MaxLength - 2, ref cut), s.Separator], null);
                break;
            case BatchLayout.Pair:
                // One id past the budget tells each text's length apart from "too long", all PairBudget needs.
                int[] a = Read(row.Text, MaxLength - 3), b = Read(row.Second ?? "", MaxLength - 3);
                var (la, lb) = PairBudget(a.Length, b.Length, MaxLength - 3);
                result = ([s.Classification, .. Cut(a, la, ref cut), s.Separator, .. Cut(b, lb, ref cut), s.Separator], null);
                break;
            default:
                int[] y = Read(row.Second ?? "", TargetMaxLength - 1);
                result = ([.. Cut(Read(row.Text, MaxLength - 1), MaxLength - 1, ref cut), s.End], Cut(y, TargetMaxLength - 1, ref cut).ToArray());
                break;
        }
        if (cut) _truncated++;
        return result;
    }

    /// <summary>Longest-first: the longer text gives up tokens until both fit; the shorter one is cut only if it must.</summary>
    private static (int A, int B) PairBudget(int a, int b, int budget)
    {
        if (a + b <= budget) return (a, b);
        if (Math.Min(a, b) <= budget / 2) return a < b ? (a, budget - a) : (budget - b, b);
        return (budget - budget / 2, budget / 2);
    }

    /// <summary>The kept side's ids of a text, one more than <paramref name="keep"/> when it is longer (so the cut is counted).</summary>
    private int[] Read(string text, int keep) => _tok.Encode(text, keep + 1, _side);

    private ReadOnlySpan<int> Cut(int[] ids, int keep, ref bool cut)
    {
        if (ids.Length <= keep) return ids;
        cut = true;
        return _side == TruncationSide.KeepHead ? ids.AsSpan(0, keep) : ids.AsSpan(ids.Length - keep);
    }

    /// <summary>A one-line report of the truncation so far, for the log.</summary>
    public string Report() =>
        $"Tokenization: {_truncated} of {_rows} row(s) were longer than MaxLength {MaxLength}" +
        (Layout == BatchLayout.Seq2Seq ? $" (target {TargetMaxLength})" : "") +
        $" and were cut ({(_side == TruncationSide.KeepHead ? "kept the head" : "kept the tail")}).";
}
