using System.Globalization;
using System.Text;

namespace Byline.Tests.Architecture;

/// <summary>Finds the cycles of a <see cref="FeatureGraph"/> and explains them.</summary>
internal static class FeatureCycles
{
    /// <summary>
    /// One cycle per tangle (strongly connected component of more than one feature): the shortest
    /// one through the tangle's first feature by name, first feature repeated at the end.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(FeatureGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return [.. Tangles(graph).Select(tangle => ShortestCycle(graph, tangle))];
    }

    /// <summary>Strongly connected components with more than one feature (Tarjan), each sorted by name.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Tangles(FeatureGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var tangles = new List<IReadOnlyList<string>>();

        void Visit(string feature)
        {
            index[feature] = low[feature] = index.Count;
            stack.Push(feature);
            onStack.Add(feature);
            foreach (var next in graph.Targets(feature))
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    low[feature] = Math.Min(low[feature], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[feature] = Math.Min(low[feature], nextIndex);
                }
            }

            if (low[feature] != index[feature])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != feature);

            if (component.Count > 1)
            {
                component.Sort(StringComparer.Ordinal);
                tangles.Add(component);
            }
        }

        foreach (var feature in graph.Features)
        {
            if (!index.ContainsKey(feature))
            {
                Visit(feature);
            }
        }

        return [.. tangles.OrderBy(tangle => tangle[0], StringComparer.Ordinal)];
    }

    private static List<string> ShortestCycle(FeatureGraph graph, IReadOnlyList<string> tangle)
    {
        var members = tangle.ToHashSet(StringComparer.Ordinal);
        var start = tangle[0];
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var feature = queue.Dequeue();
            foreach (var next in graph.Targets(feature).Where(members.Contains))
            {
                if (next == start)
                {
                    var cycle = new List<string> { start };
                    for (var at = feature; at != start; at = cameFrom[at])
                    {
                        cycle.Add(at);
                    }

                    cycle.Add(start);
                    cycle.Reverse();
                    return cycle;
                }

                if (cameFrom.TryAdd(next, feature))
                {
                    queue.Enqueue(next);
                }
            }
        }

        throw new InvalidOperationException($"{start} is in a tangle but on no cycle.");
    }

    /// <summary>Each cycle, then every edge inside its tangle with the types that make it.</summary>
    public static string Explain(FeatureGraph graph, int reasonsPerEdge = 12)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var text = new StringBuilder();
        foreach (var tangle in Tangles(graph))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Cycle: {string.Join(" → ", ShortestCycle(graph, tangle))}   (tangle: {string.Join(", ", tangle)})");
            foreach (var from in tangle)
            {
                foreach (var to in tangle.Where(to => graph.HasEdge(from, to)))
                {
                    var reasons = graph.Reasons(from, to);
                    text.AppendLine(CultureInfo.InvariantCulture, $"  {from} → {to} because:");
                    foreach (var reason in reasons.Take(reasonsPerEdge))
                    {
                        text.AppendLine(CultureInfo.InvariantCulture, $"    {reason}");
                    }

                    if (reasons.Count > reasonsPerEdge)
                    {
                        text.AppendLine(CultureInfo.InvariantCulture, $"    … and {reasons.Count - reasonsPerEdge} more");
                    }
                }
            }
        }

        return text.ToString();
    }
}
