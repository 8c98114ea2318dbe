using Byline.Hosting;
using Byline.Storage;

namespace Byline.Demo;

/// <summary>
/// Whether this host fills an empty database with generated demo content, and why. A development
/// aid: on by default only for the embedded SQLite database in Development, so `dotnet run` on a
/// fresh clone shows a living site; off in every other environment and on PostgreSQL unless
/// <c>Byline:DemoContent</c> asks for it.
/// </summary>
public sealed record DemoContentChoice(bool On, string Reason)
{
    public const string Setting = "Byline:DemoContent";

    /// <param name="asked">The value of <c>Byline:DemoContent</c>, null when it is not set.</param>
    public static DemoContentChoice Decide(string environment, DatabaseProvider provider, bool? asked)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var database = provider == DatabaseProvider.Postgres ? "PostgreSQL" : "SQLite";
        if (asked is { } explicitly)
        {
            return new(explicitly, $"{environment}, {database}, {Setting}={(explicitly ? "true" : "false")}");
        }
        if (!string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            return new(false, environment);
        }
        return provider == DatabaseProvider.Sqlite
            ? new(true, $"{environment}, {database}")
            : new(false, $"{environment}, {database}; set {Setting}=true to fill it");
    }

    /// <summary>The one start-up log line: "Demo content: on (Development, SQLite)".</summary>
    public override string ToString() => $"Demo content: {(On ? "on" : "off")} ({Reason})";
}

public static class DemoContentExtensions
{
    /// <summary>
    /// Decides once, from the environment, the provider and <c>Byline:DemoContent</c>. When the answer
    /// is no, the generator is not even registered: a production host cannot run it by accident.
    /// </summary>
    public static WebApplicationBuilder AddDemoContent(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration.GetSection("Byline:Database").Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        var choice = DemoContentChoice.Decide(builder.Environment.EnvironmentName, provider,
            builder.Configuration.GetValue<bool?>(DemoContentChoice.Setting));
        builder.Services.AddSingleton(choice);
        if (choice.On)
        {
            builder.Services.AddDemoGenerator();
            builder.Services.AddSingleton<IBootStep, DemoContentStep>();
        }
        return builder;
    }

    /// <summary>The generator alone, for the <c>seed</c> verb and for hosts that asked for demo content.</summary>
    public static IServiceCollection AddDemoGenerator(this IServiceCollection services)
    {
        services.AddScoped<DemoSeeder>();
        return services;
    }
}

/// <summary>Fills an empty database with demo content at boot; registered only where demo content is on.</summary>
internal sealed class DemoContentStep : IBootStep
{
    public Task RunAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(ct);
}
