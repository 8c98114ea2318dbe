namespace Byline.BrowserTests.Visual;

/// <summary>
/// The committed screenshots (<c>tests/Byline.BrowserTests/Baselines/{name}.png</c>, read from the source tree) and
/// where a failed comparison leaves its evidence (<c>tests/Byline.BrowserTests/TestResults/visual/</c>).
/// </summary>
public static class Baselines
{
    /// <summary>Set to 1 to write every shot as its new baseline instead of comparing it.</summary>
    public const string UpdateVariable = "BYLINE_UPDATE_BASELINES";

    private static readonly Lazy<string> Project = new(FindProject);

    public static string Folder => Path.Combine(Project.Value, "Baselines");

    public static string ResultsFolder => Path.Combine(Project.Value, "TestResults", "visual");

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// Compares the shot, at half size (<see cref="PngComparison.Halve"/>), with its baseline (or writes it, when
    /// updating); fails with the files to look at.
    /// </summary>
    public static void Check(string name, byte[] fullShot, string what)
    {
        var shot = PngComparison.Halve(fullShot);
        var baseline = Path.Combine(Folder, name + ".png");
        if (Updating)
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(baseline, shot);
            return;
        }
        Directory.CreateDirectory(ResultsFolder);
        var actual = Path.Combine(ResultsFolder, name + ".actual.png");
        var diff = Path.Combine(ResultsFolder, name + ".diff.png");
        File.Delete(actual);
        File.Delete(diff);
        if (!File.Exists(baseline))
        {
            File.WriteAllBytes(actual, shot);
            Assert.Fail($"{what}: no baseline {baseline}. The shot is {actual}; if it is right, run the test with {UpdateVariable}=1 and commit the PNG.");
        }
        var result = PngComparison.Compare(File.ReadAllBytes(baseline), shot, out var diffPng);
        if (!result.Matches)
        {
            File.WriteAllBytes(actual, shot);
            File.WriteAllBytes(diff, diffPng);
            Assert.Fail($"{what} differs from its baseline: {result}.\n  baseline {baseline}\n  actual   {actual}\n  diff     {diff} (changed pixels red)\n"
                + $"If the change is meant, run with {UpdateVariable}=1 and commit the new PNG.");
        }
    }

    private static string FindProject()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Byline.slnx")))
        {
            dir = dir.Parent;
        }
        return dir is null
            ? throw new InvalidOperationException($"Byline.slnx not found above {AppContext.BaseDirectory}")
            : Path.Combine(dir.FullName, "tests", "Byline.BrowserTests");
    }
}
