namespace Byline.Cli;

/// <summary>The streams a verb reads and writes; the process console normally, strings in tests.</summary>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error, bool InteractiveInput)
{
    public static CliConsole System => new(Console.In, Console.Out, Console.Error, !Console.IsInputRedirected);
}
