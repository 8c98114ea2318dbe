using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Byline.BrowserTests;

/// <summary>
/// How long a Playwright expectation waits for its condition before it fails. Playwright's own default (5 s) is short for
/// a save or a publish on a machine that runs the server suite beside this one on two cores; a deadline, not a
/// duration: an expectation met sooner returns at once.
/// </summary>
internal static class ExpectDeadline
{
    public const int Milliseconds = 15_000;

    [ModuleInitializer]
    internal static void Set() => Assertions.SetDefaultExpectTimeout(Milliseconds);
}
