using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Byline.Tests.Support;

/// <summary>
/// The S3-compatible server scripts/test.sh starts for the media-on-S3 suite (s3rver from npm, on loopback),
/// named by <c>BYLINE_TEST_S3</c> (its base address). Each fixture makes a bucket of its own. Without the
/// variable the suite fails with a message saying how to get one.
/// </summary>
public static class S3Server
{
    public const string Variable = "BYLINE_TEST_S3";

    // s3rver's fixed credentials; any signed request with them is accepted.
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    public static string Address()
    {
        var address = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new InvalidOperationException(
                $"The media-on-S3 suite needs an S3-compatible server and {Variable} is not set. Run scripts/test.sh (it installs s3rver with npm and starts one), " +
                $"or start one yourself: npm install --prefix /tmp/s3 s3rver@3.7.1 && /tmp/s3/node_modules/.bin/s3rver -d /tmp/s3/data -a 127.0.0.1 -p 4568 -s, then {Variable}=http://127.0.0.1:4568.");
        }
        return address.Trim();
    }

    /// <summary>A client of the test server, for reading what Byline wrote.</summary>
    public static AmazonS3Client Client(string? address = null) => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = address ?? Address(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>A new, empty bucket with a unique name.</summary>
    public static async Task<string> NewBucketAsync()
    {
        var name = "byline-test-" + Guid.NewGuid().ToString("N")[..12];
        using var client = Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>The settings that put a Byline host's media in <paramref name="bucket"/> under <c>media/</c>.</summary>
    public static Dictionary<string, string> Settings(string bucket, string? address = null) => new()
    {
        ["Byline:Media:Store"] = "S3",
        ["Byline:Media:S3:Bucket"] = bucket,
        ["Byline:Media:S3:ServiceUrl"] = address ?? Address(),
        ["Byline:Media:S3:ForcePathStyle"] = "true",
        ["Byline:Media:S3:KeyPrefix"] = "media/",
        ["Byline:Media:S3:AccessKeyId"] = AccessKey,
        ["Byline:Media:S3:SecretAccessKey"] = SecretKey,
    };

    public static void Apply(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder, string bucket)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in Settings(bucket))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The names of the objects under a prefix.</summary>
    public static async Task<List<string>> ListAsync(string bucket, string prefix)
    {
        using var client = Client();
        var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix });
        return (page.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    /// <summary>An object's bytes and ETag, or null when there is none.</summary>
    public static async Task<(byte[] Bytes, string ETag, string ContentType)?> GetAsync(string bucket, string key)
    {
        using var client = Client();
        try
        {
            using var response = await client.GetObjectAsync(bucket, key);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy);
            return (copy.ToArray(), response.ETag, response.Headers.ContentType);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

/// <summary>A Byline host (and any second node it starts) whose media is in a bucket of its own on the test S3 server.</summary>
public interface IS3App
{
    string Bucket { get; }
}

public sealed class S3SqliteApp : SqliteApp, IS3App
{
    public string Bucket { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        Bucket = await S3Server.NewBucketAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) => S3Server.Apply(builder, Bucket);
}

public sealed class S3PostgresApp : PostgresApp, IS3App
{
    public string Bucket { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        Bucket = await S3Server.NewBucketAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) => S3Server.Apply(builder, Bucket);
}
