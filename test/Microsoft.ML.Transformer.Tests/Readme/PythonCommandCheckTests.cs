namespace Microsoft.ML.Transformer.Tests.Readme;

/// <summary>The documentation's Python commands are checked against the package's modules, options and tests.</summary>
[TestClass]
public sealed class PythonCommandCheckTests
{
    [TestMethod]
    public void KnownModulesAndOptionsPassAndOthersAreNamed()
    {
        var check = new CommandCheck([], () => []);
        const string Launch = "PYTHONPATH=python python3 -m mlnet_transformer.launch --nproc 2 mlnet_transformer.train";
        const string Cluster = "PYTHONPATH=python torchrun --nnodes=2 --nproc_per_node=8 --rdzv_id=a --rdzv_backend=c10d --rdzv_endpoint=h:29400";
        Assert.IsNull(check.Problem($"{Launch} --model m --data d.tsv --output o --steps 2 --checkpoint c.safetensors"));
        Assert.IsNull(check.Problem($"{Cluster} -m mlnet_transformer.train --model m --data d.txt --output o"));
        Assert.IsNull(check.Problem("bash build/setup.sh --python"));
        StringAssert.Contains(check.Problem($"{Launch} --model m --epochs 3"), "mlnet_transformer.train has no option --epochs");
        StringAssert.Contains(check.Problem("PYTHONPATH=python python3 -m mlnet_transformer.nonesuch --x 1"), "does not exist");
        StringAssert.Contains(check.Problem("PYTHONPATH=python python3 -m mlnet_transformer.launch --nproc 2 mlnet_transformer.forward m.json"),
            "starts mlnet_transformer.forward through the launcher");
        StringAssert.Contains(check.Problem($"{Cluster} --standalone -m mlnet_transformer.train --model m"), "--standalone");
        StringAssert.Contains(check.Problem($"{Cluster} -m mlnet_transformer.train --modle m"), "has no option --modle");
    }
}
