// Usage: Publicizer <output folder> <assembly.dll>...
// Writes a copy of each assembly into the output folder with every type public, every internal member public and
// every `private protected` / `protected internal` member protected. The copies are compile-time references only:
// at run time the original ML.NET assemblies load, and the library's IgnoresAccessChecksTo attributes let the CLR
// accept the access.
using Mono.Cecil;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Publicizer <output folder> <assembly.dll>...");
    return 2;
}

string outputFolder = args[0];
Directory.CreateDirectory(outputFolder);
foreach (string input in args.Skip(1))
{
    var resolver = new DefaultAssemblyResolver();
    resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
    using var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver });
    foreach (var type in assembly.MainModule.GetTypes())
        Publicize(type);

    string target = Path.Combine(outputFolder, Path.GetFileName(input));
    string temp = target + ".tmp";
    assembly.Write(temp);
    File.Move(temp, target, overwrite: true);
    Console.WriteLine($"Publicizer: {Path.GetFileName(input)} -> {target}");
}
return 0;

static void Publicize(TypeDefinition type)
{
    var visibility = type.Attributes & TypeAttributes.VisibilityMask;
    var widened = visibility switch
    {
        TypeAttributes.NotPublic => TypeAttributes.Public,
        TypeAttributes.NestedAssembly or TypeAttributes.NestedFamANDAssem or TypeAttributes.NestedFamORAssem => TypeAttributes.NestedPublic,
        _ => visibility, // public, protected and private nested types stay as they are
    };
    type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | widened;

    foreach (var method in type.Methods)
        method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | Widen(method.Attributes & MethodAttributes.MemberAccessMask);
    foreach (var field in type.Fields)
    {
        // Compiler-generated backing fields and event fields stay as they are: they would clash with their members.
        if (type.Events.Any(e => e.Name == field.Name) || field.Name.StartsWith('<'))
            continue;
        field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | WidenField(field.Attributes & FieldAttributes.FieldAccessMask);
    }
}

static MethodAttributes Widen(MethodAttributes access) => access switch
{
    MethodAttributes.Assembly => MethodAttributes.Public,
    MethodAttributes.FamANDAssem => MethodAttributes.Family,
    MethodAttributes.FamORAssem => MethodAttributes.Family,
    _ => access,
};

static FieldAttributes WidenField(FieldAttributes access) => access switch
{
    FieldAttributes.Assembly => FieldAttributes.Public,
    FieldAttributes.FamANDAssem => FieldAttributes.Family,
    FieldAttributes.FamORAssem => FieldAttributes.Family,
    _ => access,
};
