// Usage: ModelLoadProbe <model.zip> <texts.txt> [column name, default "Text"]
// Loads the zip with plain MLContext.Model.Load (no library type is named here), scores every line of texts.txt
// through Transform and through a PredictionEngine, and prints each output column's values with round-trip
// precision, one row a line: "transform <row> <column>=<values>" and "engine <row> <column>=<values>".
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ModelLoadProbe <model.zip> <texts.txt> [text column]");
    return 2;
}
string column = args.Length > 2 ? args[2] : "Text";
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out var inputSchema);
var texts = File.ReadAllLines(args[1]);

var loader = ml.Data.CreateTextLoader(new[] { new TextLoader.Column(column, DataKind.String, 0) }, separatorChar: '\t', hasHeader: false);
var scored = model.Transform(loader.Load(args[1]));
var outputs = scored.Schema.Where(c => !c.IsHidden && inputSchema.GetColumnOrNull(c.Name) == null && c.Name != column).ToList();

foreach (var c in outputs)
{
    int row = 0;
    foreach (var value in Read(scored, c))
        Console.WriteLine($"transform {row++} {c.Name}={value}");
}

// The engine path: a one-row view over each text, mapped by the model's row-to-row mapper.
var inputDefinition = SchemaDefinition.Create(typeof(ProbeInput));
inputDefinition[nameof(ProbeInput.Text)].ColumnName = column;
var engine = ml.Model.CreatePredictionEngine<ProbeInput, ProbeOutput>(model, ignoreMissingColumns: true, inputSchemaDefinition: inputDefinition);
for (int i = 0; i < texts.Length; i++)
{
    var p = engine.Predict(new ProbeInput { Text = texts[i] });
    if (p.Score != null)
        Console.WriteLine($"engine {i} Score={string.Join(",", p.Score.Select(F))}");
}
return 0;

static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

static IEnumerable<string> Read(IDataView view, DataViewSchema.Column c)
{
    using var cursor = view.GetRowCursor(new[] { c });
    Func<string> get = c.Type switch
    {
        VectorDataViewType => Getter<VBuffer<float>>(cursor, c, v => string.Join(",", v.DenseValues().Select(F))),
        KeyDataViewType => Getter<uint>(cursor, c, v => v.ToString(CultureInfo.InvariantCulture)),
        BooleanDataViewType => Getter<bool>(cursor, c, v => v ? "true" : "false"),
        TextDataViewType => Getter<ReadOnlyMemory<char>>(cursor, c, v => v.ToString()),
        _ => Getter<float>(cursor, c, F),
    };
    while (cursor.MoveNext())
        yield return get();
}

static Func<string> Getter<T>(DataViewRow row, DataViewSchema.Column c, Func<T, string> show)
{
    var getter = row.GetGetter<T>(c);
    return () => { T v = default!; getter(ref v); return show(v); };
}

internal sealed class ProbeInput
{
    public string Text { get; set; } = "";
}

internal sealed class ProbeOutput
{
    public float[]? Score { get; set; }
}
