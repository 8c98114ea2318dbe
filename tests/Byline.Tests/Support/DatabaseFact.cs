using Xunit.Abstractions;
using Xunit.Sdk;

namespace Byline.Tests.Support;

/// <summary>
/// A fact of an HTTP suite. The suite's subclass picks the database through its fixture
/// (<see cref="SqliteApp"/> or <see cref="PostgresApp"/>); the fact exists only when that
/// database is in <c>BYLINE_TEST_DATABASES</c>.
/// </summary>
[XunitTestCaseDiscoverer("Byline.Tests.Support.DatabaseFactDiscoverer", "Byline.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseFactAttribute : FactAttribute;

/// <summary>A theory of an HTTP suite; see <see cref="DatabaseFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Byline.Tests.Support.DatabaseTheoryDiscoverer", "Byline.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DatabaseTheoryAttribute : TheoryAttribute;

public sealed class DatabaseFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer _facts = new(diagnostics);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        return DatabaseOf.Runs(testMethod) ? _facts.Discover(discoveryOptions, testMethod, factAttribute) : [];
    }
}

public sealed class DatabaseTheoryDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    private readonly TheoryDiscoverer _theories = new(diagnostics);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        return DatabaseOf.Runs(testMethod) ? _theories.Discover(discoveryOptions, testMethod, factAttribute) : [];
    }
}

internal static class DatabaseOf
{
    public static bool Runs(ITestMethod method)
    {
        var type = method.TestClass.Class.ToRuntimeType();
        if (type is null)
        {
            return true;
        }
        // A suite's fixture may be its own subclass of SqliteApp or PostgresApp (other settings, same database).
        var fixtures = type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToList();
        if (fixtures.Any(typeof(PostgresApp).IsAssignableFrom))
        {
            return TestDatabases.IsSelected(TestDatabase.Postgres);
        }
        if (fixtures.Any(typeof(SqliteApp).IsAssignableFrom))
        {
            return TestDatabases.IsSelected(TestDatabase.Sqlite);
        }
        return true;
    }
}
