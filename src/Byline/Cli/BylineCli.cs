namespace Byline.Cli;

/// <summary>The admin verbs of the Byline executable.</summary>
public static class BylineCli
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "seed", "--help", "-h", "-?", "help", "--version" };

    /// <summary>True when the arguments are a command-line verb rather than host options such as --urls.</summary>
    public static bool Handles(string[] args) =>
        args.Length > 0 && (Verbs.Contains(args[0]) || !args[0].StartsWith('-'));

    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"byline: unknown command '{args[0]}' (try --help)");
        return Task.FromResult(2);
    }
}
