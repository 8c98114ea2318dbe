using System.Text.Json;
using Byline.Newsroom;
using Byline.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Byline.Api.Reference;

/// <summary>
/// The API reference in the newsroom, rendered on the server from the same OpenAPI document that
/// <c>/openapi/v1.json</c> serves — no script, no third-party viewer, and it cannot drift from the endpoints.
/// </summary>
[Authorize(Policy = Policies.Newsroom)]
public sealed class ApiReferenceModel([FromKeyedServices(ApiExtensions.DocumentName)] IOpenApiDocumentProvider documents) : NewsroomPageModel
{
    public sealed record Parameter(string Name, string In, bool Required, string Type, string Description);

    public sealed record OperationResponse(string Status, string Description, string Type);

    public sealed record Operation(string Method, string Path, string Summary, IReadOnlyList<Parameter> Parameters, IReadOnlyList<OperationResponse> Responses);

    public sealed record Property(string Name, string Type);

    public sealed record Schema(string Name, IReadOnlyList<Property> Properties);

    public string DocumentTitle { get; private set; } = "";

    public string Description { get; private set; } = "";

    public IReadOnlyList<Operation> Operations { get; private set; } = [];

    public IReadOnlyList<Schema> Schemas { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Title = "API reference";
        Area = "api";
        var document = await documents.GetOpenApiDocumentAsync(ct);
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct);
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        DocumentTitle = Text(root, "info", "title");
        Description = Text(root, "info", "description");
        var operations = new List<Operation>();
        if (root.TryGetProperty("paths", out var paths))
        {
            foreach (var path in paths.EnumerateObject())
            {
                foreach (var op in path.Value.EnumerateObject())
                {
                    operations.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, Text(op.Value, "summary"), Parameters(op.Value), Responses(op.Value)));
                }
            }
        }
        Operations = operations;
        var schemas = new List<Schema>();
        if (root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var all))
        {
            foreach (var schema in all.EnumerateObject())
            {
                var properties = schema.Value.TryGetProperty("properties", out var props)
                    ? props.EnumerateObject().Select(p => new Property(p.Name, TypeOf(p.Value))).ToList()
                    : [];
                schemas.Add(new Schema(schema.Name, properties));
            }
        }
        Schemas = schemas;
    }

    private static List<Parameter> Parameters(JsonElement op) =>
        op.TryGetProperty("parameters", out var ps)
            ? [.. ps.EnumerateArray().Select(p => new Parameter(Text(p, "name"), Text(p, "in"),
                p.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True,
                p.TryGetProperty("schema", out var s) ? TypeOf(s) : "", Text(p, "description")))]
            : [];

    private static List<OperationResponse> Responses(JsonElement op) =>
        op.TryGetProperty("responses", out var rs)
            ? [.. rs.EnumerateObject().Select(r => new OperationResponse(r.Name, Text(r.Value, "description"),
                r.Value.TryGetProperty("content", out var content)
                    ? string.Join(", ", content.EnumerateObject().Select(c => c.Value.TryGetProperty("schema", out var s) ? TypeOf(s) : c.Name))
                    : ""))]
            : [];

    /// <summary>A schema as one short phrase: a reference's name, "array of X", or its JSON type.</summary>
    public static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var r = reference.GetString() ?? "";
            return r[(r.LastIndexOf('/') + 1)..];
        }
        if (schema.TryGetProperty("items", out var items))
        {
            return "array of " + TypeOf(items);
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var name = type.ValueKind == JsonValueKind.Array
                ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString()))
                : type.GetString() ?? "";
            return schema.TryGetProperty("format", out var format) ? $"{name} ({format.GetString()})" : name;
        }
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var parts))
            {
                return string.Join(" or ", parts.EnumerateArray().Select(TypeOf));
            }
        }
        return "object";
    }

    private static string Text(JsonElement e, params string[] path)
    {
        foreach (var name in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return "";
            }
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : "";
    }
}
