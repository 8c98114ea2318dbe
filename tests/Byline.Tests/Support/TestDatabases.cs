namespace Byline.Tests.Support;

public enum TestDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Which databases the HTTP suites run on, from <c>BYLINE_TEST_DATABASES</c> ("sqlite,postgres" when unset).
/// A database left out of the list is a choice of whoever runs the tests: its classes are not discovered.
/// </summary>
public static class TestDatabases
{
    public const string Variable = "BYLINE_TEST_DATABASES";
    public const string PostgresVariable = "BYLINE_TEST_POSTGRES";

    public static IReadOnlyCollection<TestDatabase> Selected { get; }

    /// <summary>Names in the variable that are not databases; a test fails while there are any.</summary>
    public static IReadOnlyCollection<string> Unknown { get; }

    static TestDatabases()
    {
        var raw = Environment.GetEnvironmentVariable(Variable);
        var selected = new HashSet<TestDatabase>();
        var unknown = new List<string>();
        var names = string.IsNullOrWhiteSpace(raw) ? ["sqlite", "postgres"] : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            switch (name.ToLowerInvariant())
            {
                case "sqlite":
                    selected.Add(TestDatabase.Sqlite);
                    break;
                case "postgres" or "postgresql" or "pg":
                    selected.Add(TestDatabase.Postgres);
                    break;
                default:
                    unknown.Add(name);
                    break;
            }
        }
        Selected = selected;
        Unknown = unknown;
    }

    public static bool IsSelected(TestDatabase database) => Selected.Contains(database);

    public static string HowToStartPostgres =>
        $"Start one with `bash scripts/test.sh` (it runs a throwaway PostgreSQL 15 on 127.0.0.1:5433), " +
        $"or point {PostgresVariable} at a server you run, e.g. {PostgresVariable}='Host=127.0.0.1;Port=5433;Username=postgres'. " +
        $"To run on SQLite only, set {Variable}=sqlite.";
}
