using Microsoft.ML.Transformer.Tokenization;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Microsoft.ML.Transformer.Tests.Layering;

/// <summary>
/// Reads the built library and checks that each folder of src/Microsoft.ML.Transformer uses only the folders that
/// docs/ARCHITECTURE.md ("Allowed dependencies") lets it use, and that only the folders it names touch ML.NET.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    /// <summary>Folder → the folders it may use: the table of docs/ARCHITECTURE.md, kept here once.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["root"] = ["Memory"],
        ["Memory"] = [],
        ["Tokenization"] = ["root"],
        ["Batching"] = ["root", "Tokenization"],
        ["Modeling"] = ["root", "Tokenization"],
        ["Training"] = ["root", "Tokenization", "Batching", "Modeling"],
        ["Generation"] = ["root", "Tokenization", "Batching", "Modeling"],
        ["Evaluation"] = ["root", "Tokenization", "Batching", "Modeling"],
        ["Interpretability"] = ["root", "Tokenization", "Batching", "Modeling"],
        ["Interop"] = ["root", "Tokenization", "Modeling"],
        ["MLNet"] = ["root", "Memory", "Tokenization", "Batching", "Modeling", "Training", "Generation", "Evaluation", "Interpretability", "Interop"],
    };

    /// <summary>The folders whose types may name ML.NET's (Microsoft.ML.Core, .Data, .DataView, ...): the components,
    /// and the metrics' <c>Evaluate(IDataView ...)</c> entry points, which mirror ML.NET's own evaluators.</summary>
    private static readonly string[] KnowMLNet = ["MLNet", "Evaluation"];

    private const string Root = "Microsoft.ML.Transformer";

    [TestMethod]
    public void EachFolderUsesOnlyTheFoldersItMayUse()
    {
        var offending = Edges().Where(e => e.To != "ML.NET" && !Allowed.GetValueOrDefault(e.From, []).Contains(e.To))
            .Select(e => $"{e.From} → {e.To} (e.g. {e.Example})").ToList();
        Assert.AreEqual(0, offending.Count, "Dependencies that docs/ARCHITECTURE.md does not allow:\n" + string.Join("\n", offending));
    }

    [TestMethod]
    public void OnlyTheNamedFoldersKnowMLNet()
    {
        var offending = Edges().Where(e => e.To == "ML.NET" && !KnowMLNet.Contains(e.From))
            .Select(e => $"{e.From} uses ML.NET (e.g. {e.Example})").ToList();
        Assert.AreEqual(0, offending.Count, string.Join("\n", offending));
        Assert.IsTrue(Edges().Any(e => e is { From: "MLNet", To: "ML.NET" }), "the reader finds MLNet's use of ML.NET");
    }

    [TestMethod]
    public void EveryFolderIsInTheTable()
    {
        var folders = Folders().Values.Distinct().Order().ToArray();
        CollectionAssert.AreEquivalent(Allowed.Keys.Order().ToArray(), folders, "the library's folders and the table's differ");
    }

    private static ModuleDefinition? _module;
    private static Dictionary<TypeDefinition, string>? _folders;
    private static List<(string From, string To, string Example)>? _edges;

    private static ModuleDefinition Module => _module ??= ModuleDefinition.ReadModule(
        typeof(TokenizerOptions).Assembly.Location, new ReaderParameters { ReadSymbols = true });

    /// <summary>The folder of each top-level type: where its source file is (some public entry points sit in the
    /// root namespace for discovery but live in a folder), else what its namespace says.</summary>
    private static Dictionary<TypeDefinition, string> Folders() => _folders ??= Module.Types
        .Where(t => t.Namespace == Root || t.Namespace.StartsWith(Root + ".", StringComparison.Ordinal))
        .ToDictionary(t => t, t => FileFolder(t) ?? NamespaceFolder(t.Namespace));

    private static string NamespaceFolder(string ns) => ns == Root ? "root" : ns[(Root.Length + 1)..].Split('.')[0];

    private static string? FileFolder(TypeDefinition type)
    {
        // Generated sources (obj/) say nothing of where a type lives.
        var url = AllTypes(type).SelectMany(t => t.Methods).Where(m => m.DebugInformation.HasSequencePoints)
            .Select(m => m.DebugInformation.SequencePoints[0].Document.Url.Replace('\\', '/'))
            .FirstOrDefault(u => !u.Contains("/obj/", StringComparison.Ordinal));
        int at = url?.IndexOf("/src/" + Root + "/", StringComparison.Ordinal) ?? -1;
        if (at < 0) return null;
        var rest = url![(at + Root.Length + 6)..].Split('/');
        return rest.Length == 1 ? "root" : rest[0];
    }

    private static IEnumerable<TypeDefinition> AllTypes(TypeDefinition type) => type.NestedTypes.SelectMany(AllTypes).Prepend(type);

    /// <summary>Every distinct (folder, used folder or "ML.NET") pair, with one example pair of types.</summary>
    private static List<(string From, string To, string Example)> Edges() => _edges ??= Folders()
        .SelectMany(kv => AllTypes(kv.Key).SelectMany(Referenced).Select(r => (From: kv.Value, Type: kv.Key, Used: r)))
        .Select(x => (x.From, To: Target(x.Used), Example: $"{x.Type.FullName} uses {x.Used.FullName}"))
        .Where(e => e.To is not null && e.To != e.From)
        .DistinctBy(e => (e.From, e.To)).Select(e => (e.From, e.To!, e.Example)).ToList();

    private static string? Target(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        if (type is TypeDefinition own && Folders().TryGetValue(own, out var folder)) return folder;
        string assembly = type.Scope switch { AssemblyNameReference a => a.Name, ModuleDefinition m => m.Assembly.Name.Name, var s => s?.Name ?? "" };
        return assembly.StartsWith("Microsoft.ML", StringComparison.Ordinal) && assembly != "Microsoft.ML.Tokenizers"
            && !assembly.StartsWith("Microsoft.ML.Tokenizers.", StringComparison.Ordinal) && assembly != Root ? "ML.NET" : null;
    }

    /// <summary>The types one type names: base, interfaces, attributes, members' signatures, and its method bodies.</summary>
    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        Add(found, type.BaseType);
        foreach (var i in type.Interfaces) Add(found, i.InterfaceType);
        Attributes(found, type);
        foreach (var f in type.Fields) { Add(found, f.FieldType); Attributes(found, f); }
        foreach (var p in type.Properties) { Add(found, p.PropertyType); Attributes(found, p); }
        foreach (var e in type.Events) Add(found, e.EventType);
        foreach (var m in type.Methods)
        {
            Signature(found, m);
            Attributes(found, m);
            foreach (var p in m.Parameters) Attributes(found, p);
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) Add(found, v.VariableType);
            foreach (var op in m.Body.Instructions.Select(i => i.Operand))
                switch (op)
                {
                    case TypeReference t: Add(found, t); break;
                    case MethodReference r: Signature(found, r); Add(found, r.DeclaringType); break;
                    case FieldReference f: Add(found, f.FieldType); Add(found, f.DeclaringType); break;
                }
        }
        return found;
    }

    private static void Signature(List<TypeReference> found, MethodReference method)
    {
        Add(found, method.ReturnType);
        foreach (var p in method.Parameters) Add(found, p.ParameterType);
        if (method is GenericInstanceMethod g) foreach (var a in g.GenericArguments) Add(found, a);
    }

    private static void Attributes(List<TypeReference> found, ICustomAttributeProvider provider)
    {
        foreach (var a in provider.CustomAttributes) { Add(found, a.AttributeType); foreach (var arg in a.ConstructorArguments) Add(found, arg.Type); }
    }

    /// <summary>A type and the types inside it: element types of arrays and references, generic arguments.</summary>
    private static void Add(List<TypeReference> found, TypeReference? type)
    {
        switch (type)
        {
            case null or GenericParameter: return;
            case GenericInstanceType g: Add(found, g.ElementType); foreach (var a in g.GenericArguments) Add(found, a); return;
            case TypeSpecification s: Add(found, s.ElementType); return;
            default: found.Add(type); return;
        }
    }
}
