using Byline.Cli;
using Byline.Hosting;

// One executable: the web host, or an admin verb (`seed`, `user`, …) when the first argument names one.
if (BylineCli.Handles(args))
{
    return await BylineCli.RunAsProcessAsync(args);
}

var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));
builder.AddByline();
var app = builder.Build();
app.UseByline();
await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory.</summary>
public partial class Program;
