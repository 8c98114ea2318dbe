// Types for FeatureBoundaryTests' reader test: each "feature" below uses Target in one way that
// appears nowhere in its signatures, so only a reader of method bodies and attribute blobs sees it.
namespace Byline.Tests.Architecture.Fixture
{
    internal static class FixtureNames
    {
        public const string Prefix = "Byline.Tests.Architecture.Fixture.";
    }
}

namespace Byline.Tests.Architecture.Fixture.Target
{
    internal sealed class Made;

    internal static class Awaited
    {
        public static Task<int> ValueAsync() => Task.FromResult(1);
    }

    internal sealed class Named;

    internal sealed class Held
    {
        public override string ToString() => "held";
    }
}

namespace Byline.Tests.Architecture.Fixture.Support
{
    [AttributeUsage(AttributeTargets.Class)]
    internal sealed class NamesAttribute(Type type) : Attribute
    {
        public Type Type { get; } = type;
    }
}

namespace Byline.Tests.Architecture.Fixture.Lambdas
{
    internal static class UsesInLambda
    {
        public static Func<object> Maker() => () => new Target.Made();
    }
}

namespace Byline.Tests.Architecture.Fixture.Async
{
    internal static class UsesAfterAwait
    {
        public static async Task<int> RunAsync()
        {
            await Task.Yield();
            return await Target.Awaited.ValueAsync();
        }
    }
}

namespace Byline.Tests.Architecture.Fixture.Attributes
{
    [Support.Names(typeof(Target.Named))]
    internal sealed class UsesInAttribute;
}

namespace Byline.Tests.Architecture.Fixture.Locals
{
    internal static class UsesInLocal
    {
        public static int Length()
        {
            var held = new Target.Held();
            return held.ToString().Length;
        }
    }
}
