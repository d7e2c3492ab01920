using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Fixtures;

/// <summary>
/// Writes what a model adds to a data view as text, one line per row and column: "row column=values". Floats use
/// the shortest round-trip form, so two dumps are equal as text exactly when the scores are bitwise equal.
/// </summary>
internal static class ScoreDump
{
    /// <summary>The rows of a tab-separated file whose header names the columns, every column read as text.</summary>
    public static IDataView ReadRows(MLContext ml, string tsv)
    {
        string[] header = File.ReadLines(tsv).First().Split('\t');
        var columns = header.Select((name, i) => new TextLoader.Column(name, DataKind.String, i)).ToArray();
        return ml.Data.CreateTextLoader(columns, separatorChar: '\t', hasHeader: true, allowQuoting: false).Load(tsv);
    }

    /// <summary>Each visible column that <paramref name="model"/> adds to <paramref name="input"/>, row by row.</summary>
    public static List<string> Lines(ITransformer model, IDataView input)
    {
        var scored = model.Transform(input);
        var added = scored.Schema.Where(c => !c.IsHidden && input.Schema.GetColumnOrNull(c.Name) == null).ToArray();
        var lines = new List<string>();
        using var cursor = scored.GetRowCursor(added);
        var readers = added.Select(c => (c.Name, Read: Reader(cursor, c))).ToArray();
        for (int row = 0; cursor.MoveNext(); row++)
            foreach (var (name, read) in readers)
                lines.Add($"{row} {name}={read()}");
        return lines;
    }

    private static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string I<T>(T x) where T : IFormattable => x.ToString(null, CultureInfo.InvariantCulture);

    private static Func<string> Reader(DataViewRow row, DataViewSchema.Column c) => c.Type switch
    {
        VectorDataViewType { ItemType: TextDataViewType } =>
            Getter<VBuffer<ReadOnlyMemory<char>>>(row, c, v => string.Join("|", v.DenseValues().Select(t => t.ToString()))),
        VectorDataViewType { ItemType: KeyDataViewType } => Getter<VBuffer<uint>>(row, c, v => string.Join(",", v.DenseValues().Select(I))),
        VectorDataViewType { ItemType: NumberDataViewType n } when n.RawType == typeof(int) =>
            Getter<VBuffer<int>>(row, c, v => string.Join(",", v.DenseValues().Select(I))),
        VectorDataViewType { ItemType: NumberDataViewType n } when n.RawType == typeof(long) =>
            Getter<VBuffer<long>>(row, c, v => string.Join(",", v.DenseValues().Select(I))),
        VectorDataViewType => Getter<VBuffer<float>>(row, c, v => string.Join(",", v.DenseValues().Select(F))),
        KeyDataViewType => Getter<uint>(row, c, I),
        BooleanDataViewType => Getter<bool>(row, c, v => v ? "true" : "false"),
        TextDataViewType => Getter<ReadOnlyMemory<char>>(row, c, v => v.ToString()),
        NumberDataViewType n when n.RawType == typeof(float) => Getter<float>(row, c, F),
        NumberDataViewType n when n.RawType == typeof(int) => Getter<int>(row, c, I),
        _ => throw new NotSupportedException($"column '{c.Name}': no text form for {c.Type}"),
    };

    private static Func<string> Getter<T>(DataViewRow row, DataViewSchema.Column c, Func<T, string> show)
    {
        var getter = row.GetGetter<T>(c);
        return () => { T v = default!; getter(ref v); return show(v); };
    }
}
