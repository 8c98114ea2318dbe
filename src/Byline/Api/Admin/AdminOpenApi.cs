using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Byline.Api.Admin;

/// <summary>
/// The admin endpoints read their bodies themselves (strictly, within a bound), so the framework cannot
/// see them; this puts each one's request body into the OpenAPI document from its <see cref="AdminBody"/>.
/// </summary>
public static class AdminOpenApi
{
    public static async Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AdminBody>().FirstOrDefault() is not { } body)
        {
            return;
        }
        var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
        if (body.Json is { } type)
        {
            content["application/json"] = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(type, null, ct) };
        }
        foreach (var mediaType in body.MediaTypes)
        {
            content[mediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
    }
}
