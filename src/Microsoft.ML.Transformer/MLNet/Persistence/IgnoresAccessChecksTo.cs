// The library compiles against copies of ML.NET's assemblies whose internal members are public
// (build/MLNetInternals.targets). At run time the CLR honours this attribute, which the runtime recognises by name,
// and lets the library use those members of the real assemblies.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets this assembly use the non-public members of the named assembly (recognised by the runtime).</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        /// <summary>Names the assembly whose access checks are ignored.</summary>
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        /// <summary>The assembly whose access checks are ignored.</summary>
        public string AssemblyName { get; }
    }
}
