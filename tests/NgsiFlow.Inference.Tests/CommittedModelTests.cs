using System.Diagnostics;

namespace NgsiFlow.Inference.Tests;

/// <summary>
/// Every .onnx file in the repository is valid ONNX: it passes onnx.checker.check_model(full_check=True) (Debian's
/// python3-onnx, run with /usr/bin/python3; test.sh installs it) and loads in ONNX Runtime.
/// </summary>
public sealed class CommittedModelTests
{
    private const string Python = "/usr/bin/python3";

    private const string Checker = """
        import sys, onnx
        failed = 0
        for path in sys.argv[1:]:
            try:
                onnx.checker.check_model(onnx.load(path), full_check=True)
                print("ok " + path)
            except Exception as e:
                failed += 1
                print("FAILED " + path + ": " + str(e).replace("\n", " "))
        print("onnx " + onnx.__version__)
        sys.exit(1 if failed else 0)
        """;

    private static readonly string Root = FindRoot();

    public static IEnumerable<object[]> Files() => CommittedModels().Select(f => new object[] { Path.GetRelativePath(Root, f) });

    [Fact]
    public async Task CheckModel_everyCommittedModel_passesTheFullOnnxCheck()
    {
        var files = CommittedModels();
        files.Length.ShouldBeGreaterThanOrEqualTo(49);
        File.Exists(Python).ShouldBeTrue($"{Python} is missing: install python3-onnx (test.sh does)");
        var script = Path.Combine(Path.GetTempPath(), $"ngsiflow-check-{Environment.ProcessId}-{Guid.NewGuid():N}.py");
        File.WriteAllText(script, Checker);
        try
        {
            var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            foreach (var f in files)
            {
                psi.ArgumentList.Add(f);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout;
            process.ExitCode.ShouldBe(0, $"onnx.checker refused some models:\n{output}\n{await stderr}");
            output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)).ShouldBe(files.Length, output);
            output.ShouldContain("onnx 1.");
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_committedModelInOnnxRuntime_succeeds(string file)
    {
        using var model = OnnxModel.Load(Path.Combine(Root, file), new OnnxModelOptions { Engine = OnnxModelEngine.OnnxRuntime });

        model.Engine.ShouldBe(OnnxModelEngine.OnnxRuntime);
        model.Outputs.Count.ShouldBeGreaterThan(0);
    }

    private static string[] CommittedModels() =>
        new[] { "models", "tests", "samples" }.Select(d => Path.Combine(Root, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.onnx", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal).ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NgsiFlow.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No NgsiFlow.slnx above {AppContext.BaseDirectory}.");
    }
}
