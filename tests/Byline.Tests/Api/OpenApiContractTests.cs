using System.Net;
using System.Text.Json;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Api;

/// <summary>
/// The contract check: the running app's OpenAPI document against the endpoints it really maps. A new
/// API endpoint that the document lacks, an answer without a schema, or an error not documented as
/// a problem fails here.
/// </summary>
public abstract class OpenApiContractTests(BylineApp app)
{
    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await app.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Every endpoint the app maps under /api/v1, as the document spells paths ("/api/v1/stories/{id}").</summary>
    private HashSet<string> MappedApiPaths(bool hidden = false) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => (e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true) == hidden)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(p => p.StartsWith("/api/v1/", StringComparison.Ordinal))
            .Select(p => System.Text.RegularExpressions.Regex.Replace(p, "{([^:}]+)(:[^}]*)?}", "{$1}"))
            .ToHashSet(StringComparer.Ordinal);

    [DatabaseFact]
    public async Task The_document_is_OpenAPI_3_1_and_lists_every_api_endpoint_and_nothing_else()
    {
        var document = await DocumentAsync();
        var documented = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal(MappedApiPaths().Order(), documented.Order());
        Assert.Contains("/api/v1/changes", documented);
        // Left out on purpose, and only these: the agencies' push, signed per wire source (docs/wire.md), and the mail
        // provider's bounce intake, signed with the newsletters' own secret (docs/newsletters.md) — not the partners' API.
        Assert.Equal(["/api/v1/newsletters/bounces", "/api/v1/wire/sources/{id}/push"], MappedApiPaths(hidden: true).Order());
    }

    [DatabaseFact]
    public async Task Every_operation_documents_its_answer_schema_and_its_problems()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                // A read answers 200; a create (a story, a picture) answers 201 with what it made; a delete 204 with nothing.
                if (responses.TryGetProperty("204", out var none) && !responses.TryGetProperty("200", out _))
                {
                    Assert.Equal("delete", operation.Name);
                    Assert.False(none.TryGetProperty("content", out _), $"{name}: a 204 has no body");
                }
                else
                {
                    var success = responses.TryGetProperty("200", out var found) ? found : responses.GetProperty("201");
                    var ok = success.GetProperty("content").GetProperty("application/json").GetProperty("schema");
                    var reference = ok.TryGetProperty("$ref", out var r) ? r.GetString()! : "";
                    Assert.True(reference.StartsWith("#/components/schemas/", StringComparison.Ordinal), $"{name}: its success answer has no schema reference");
                    Assert.True(schemas.TryGetProperty(reference[(reference.LastIndexOf('/') + 1)..], out _), $"{name}: {reference} is not in the components");
                }
                foreach (var status in new[] { "401", "429" })
                {
                    Assert.True(responses.TryGetProperty(status, out var problem), $"{name}: {status} is not documented");
                    Assert.True(problem.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name}: {status} is not a problem");
                }
                if (path.Name.Contains('{', StringComparison.Ordinal))
                {
                    Assert.True(responses.TryGetProperty("404", out _), $"{name}: a lookup by id documents its 404");
                }
            }
        }
    }

    [DatabaseFact]
    public async Task Every_admin_write_documents_its_request_body_and_the_story_body_names_what_the_reader_takes()
    {
        var document = await DocumentAsync();
        var writes = document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "post" or "put" or "patch").Select(o => (Name: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value)))
            .ToList();
        var bodied = writes.Where(w => w.Operation.TryGetProperty("requestBody", out _)).Select(w => w.Name).ToList();
        var storyFields = typeof(Byline.Api.Admin.AdminStoryFields).GetProperties()
            .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order(StringComparer.Ordinal);

        Assert.Contains("POST /api/v1/admin/stories", bodied);
        Assert.Contains("PATCH /api/v1/admin/stories/{id}", bodied);
        Assert.Contains("POST /api/v1/admin/stories/{id}/schedule", bodied);
        Assert.Contains("POST /api/v1/admin/media", bodied);
        Assert.Equal(Byline.Api.Admin.StoryJson.Names.Order(StringComparer.Ordinal), storyFields);
    }

    [DatabaseFact]
    public async Task The_newsroom_reference_page_shows_every_operation_of_the_document()
    {
        var document = await DocumentAsync();
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}")).Order().ToList();
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);

        var page = await contributor.PageAsync("/newsroom/api");

        Assert.Equal(operations, page.QuerySelectorAll("[data-operation]").Select(e => e.GetAttribute("data-operation")!).Order());
        Assert.NotNull(page.QuerySelector("[data-schema=ApiStory]"));
        Assert.Empty(page.QuerySelectorAll("script[src^=http]"));
    }
}

public sealed class OpenApiContractTestsOnSqlite(ApiSqliteApp app) : OpenApiContractTests(app), IClassFixture<ApiSqliteApp>;

public sealed class OpenApiContractTestsOnPostgres(ApiPostgresApp app) : OpenApiContractTests(app), IClassFixture<ApiPostgresApp>;
