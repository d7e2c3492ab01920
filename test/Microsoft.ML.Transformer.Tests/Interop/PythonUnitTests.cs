namespace Microsoft.ML.Transformer.Tests.Interop;

/// <summary>The Python package's own tests (python/tests: its safetensors reader and folder loader refuse bad files).</summary>
[TestClass]
[TestCategory("Python")]
public sealed class PythonUnitTests
{
    [TestMethod]
    public void PythonPackageTestsPass()
    {
        if (PythonMirror.Missing is { } why) Assert.Inconclusive(why);
        string output = PythonMirror.Run("-m", "unittest", "discover", "-s", Path.Combine(TestPaths.RepoRoot, "python", "tests"));
        StringAssert.Contains(output, "OK");
        StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"Ran [1-9]\d* tests"));
    }
}
