// Usage: ModelLoadProbe <model.zip> <rows.tsv>
// rows.tsv: a header line naming the columns (all read as text), then one row a line. Typically "Text" and, for a
// pipeline that starts with MapValueToKey, "Intent"; a sentence-pair model reads "First" and "Second".
// Loads the zip with plain MLContext.Model.Load (no library type is named here), scores every row through Transform
// and through a PredictionEngine, and prints each added column's values with round-trip precision, one row a line:
// "transform <row> <column>=<values>" and "engine <row> Score=<values>" (an entity tagger: "engine <row> Entities=<values>";
// a question answerer, which reads "Context" and "Question": "engine <row> PredictedAnswer=<answer> start <i> score <s> top <answers>").
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ModelLoadProbe <model.zip> <rows.tsv>");
    return 2;
}
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out _);
var lines = File.ReadAllLines(args[1]);
string[] header = lines[0].Split('\t');
var rows = lines.Skip(1).Select(l => l.Split('\t')).ToArray();

var loader = ml.Data.CreateTextLoader(header.Select((name, i) => new TextLoader.Column(name, DataKind.String, i)).ToArray(),
    separatorChar: '\t', hasHeader: true);
var input = loader.Load(args[1]);
var scored = model.Transform(input);
var outputs = scored.Schema.Where(c => !c.IsHidden && input.Schema.GetColumnOrNull(c.Name) == null).ToList();

foreach (var c in outputs)
{
    int row = 0;
    foreach (var value in Read(scored, c))
        Console.WriteLine($"transform {row++} {c.Name}={value}");
}

// The engine path: a one-row view over each text, mapped by the model's row-to-row mapper. A Score of one Single (a
// regressor) comes through its own output class; an entity tagger's entities through theirs.
if (scored.Schema.GetColumnOrNull("Entities") is not null)
{
    var tagger = ml.Model.CreatePredictionEngine<ProbeInput, ProbeEntities>(model, ignoreMissingColumns: true);
    for (int i = 0; i < rows.Length; i++)
        Console.WriteLine($"engine {i} Entities={string.Join(" | ", tagger.Predict(new ProbeInput { Text = Field(i, "Text") }).Entities)}");
    return 0;
}
if (scored.Schema.GetColumnOrNull("PredictedAnswer") is not null)
{
    var answerer = ml.Model.CreatePredictionEngine<ProbeQuestion, ProbeAnswer>(model, ignoreMissingColumns: true);
    for (int i = 0; i < rows.Length; i++)
    {
        var answer = answerer.Predict(new ProbeQuestion { Context = Field(i, "Context"), Question = Field(i, "Question") });
        Console.WriteLine($"engine {i} PredictedAnswer={answer.PredictedAnswer} start {answer.PredictedAnswerStart} score {F(answer.Score)} top {string.Join(" | ", answer.TopAnswers)}");
    }
    return 0;
}
bool scalarScore = scored.Schema.GetColumnOrNull("Score")?.Type is NumberDataViewType;
var engine = scalarScore ? null : ml.Model.CreatePredictionEngine<ProbeInput, ProbeOutput>(model, ignoreMissingColumns: true);
var scalarEngine = scalarScore ? ml.Model.CreatePredictionEngine<ProbeInput, ProbeScalarOutput>(model, ignoreMissingColumns: true) : null;
for (int i = 0; i < rows.Length; i++)
{
    var row = new ProbeInput { Text = Field(i, "Text"), Intent = Field(i, "Intent"), First = Field(i, "First"), Second = Field(i, "Second") };
    string? score = scalarEngine is not null
        ? F(scalarEngine.Predict(row).Score)
        : engine!.Predict(row).Score is { } vector ? string.Join(",", vector.Select(F)) : null;
    if (score != null)
        Console.WriteLine($"engine {i} Score={score}");
}
return 0;

string Field(int row, string column) => Array.IndexOf(header, column) is var at and >= 0 ? rows[row][at] : "";

static string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);

static IEnumerable<string> Read(IDataView view, DataViewSchema.Column c)
{
    using var cursor = view.GetRowCursor(new[] { c });
    Func<string> get = c.Type switch
    {
        VectorDataViewType { ItemType: KeyDataViewType } => Getter<VBuffer<uint>>(cursor, c, v => string.Join(",", v.DenseValues())),
        VectorDataViewType { ItemType: NumberDataViewType n } when n.RawType == typeof(int) => Getter<VBuffer<int>>(cursor, c, v => string.Join(",", v.DenseValues())),
        VectorDataViewType { ItemType: TextDataViewType } => Getter<VBuffer<ReadOnlyMemory<char>>>(cursor, c, v => string.Join(" | ", v.DenseValues())),
        VectorDataViewType => Getter<VBuffer<float>>(cursor, c, v => string.Join(",", v.DenseValues().Select(F))),
        KeyDataViewType => Getter<uint>(cursor, c, v => v.ToString(CultureInfo.InvariantCulture)),
        NumberDataViewType n when n.RawType == typeof(int) => Getter<int>(cursor, c, v => v.ToString(CultureInfo.InvariantCulture)),
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
    public string Intent { get; set; } = "";
    public string First { get; set; } = "";
    public string Second { get; set; } = "";
}

internal sealed class ProbeOutput
{
    public float[]? Score { get; set; }
}

internal sealed class ProbeEntities
{
    public string[] Entities { get; set; } = [];
}

internal sealed class ProbeQuestion
{
    public string Context { get; set; } = "";
    public string Question { get; set; } = "";
}

internal sealed class ProbeAnswer
{
    public string PredictedAnswer { get; set; } = "";
    public int PredictedAnswerStart { get; set; }
    public float Score { get; set; }
    public string[] TopAnswers { get; set; } = [];
}

internal sealed class ProbeScalarOutput
{
    public float Score { get; set; }
}
