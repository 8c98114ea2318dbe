using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Byline.Media;

/// <summary>
/// <c>Byline:Media:S3</c>: the bucket media lives in when <c>Byline:Media:Store</c> is <c>S3</c>. Credentials
/// come from <see cref="AccessKeyId"/> with <see cref="SecretAccessKeyFile"/> (or <see cref="SecretAccessKey"/>
/// from the environment), else from the SDK's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the shared
/// credentials file, an instance role). Never in appsettings.json.
/// </summary>
public sealed class S3MediaOptions
{
    public string? Bucket { get; set; }
    /// <summary>The region that signs requests ("us-east-1" when unset; MinIO and Ceph accept any).</summary>
    public string? Region { get; set; }
    /// <summary>Another S3-compatible service (MinIO, Ceph, R2, …): its base address, e.g. <c>http://127.0.0.1:9000</c>.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>Address buckets as <c>{service}/{bucket}/…</c> rather than <c>{bucket}.{service}/…</c> (most self-hosted services want this).</summary>
    public bool ForcePathStyle { get; set; }
    /// <summary>Prepended to every object name, e.g. <c>media/</c>, so one bucket can hold several sites.</summary>
    public string? KeyPrefix { get; set; }
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    /// <summary>A file holding the secret key (a systemd credential, a mounted secret); read at start.</summary>
    public string? SecretAccessKeyFile { get; set; }
    /// <summary>
    /// The address of a CDN (or the bucket's own public address) in front of <see cref="KeyPrefix"/>, e.g.
    /// <c>https://cdn.example.org/media/</c>: <c>/media/{key}/{file}</c> then redirects there. Unset: Byline
    /// streams every file from the bucket itself.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>How long one request to the store may take before the upload or the reader's request fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries of a failed request (with the SDK's back-off) before giving up.</summary>
    public int MaxRetries { get; set; } = 2;
}

/// <summary>
/// Media in a bucket of an S3-compatible service, <c>{prefix}{key}/{file}</c>, shared by every node: a
/// picture uploaded on one node is served by all. Each write is one <c>PutObject</c>, which S3 makes
/// visible whole or not at all, so no temporary names are needed.
/// </summary>
public sealed class S3MediaStore : MediaStore, IDisposable
{
    private readonly AmazonS3Client _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly Uri? _publicBase;
    private readonly ILogger? _log;

    public S3MediaStore(S3MediaOptions options, ILogger<S3MediaStore>? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new InvalidOperationException("Byline:Media:Store is S3 but Byline:Media:S3:Bucket is empty: name the bucket media goes in.");
        }
        _bucket = options.Bucket.Trim();
        _prefix = (options.KeyPrefix ?? "").Trim().TrimStart('/');
        if (_prefix.Length > 0 && !_prefix.EndsWith('/'))
        {
            _prefix += "/";
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            if (!Uri.TryCreate(options.PublicBaseUrl.Trim(), UriKind.Absolute, out var publicBase) || publicBase.Scheme is not ("https" or "http"))
            {
                throw new InvalidOperationException($"Byline:Media:S3:PublicBaseUrl is not an http(s) address: {options.PublicBaseUrl}");
            }
            _publicBase = publicBase.AbsoluteUri.EndsWith('/') ? publicBase : new Uri(publicBase.AbsoluteUri + "/");
        }
        _log = log;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            Timeout = options.Timeout,
            MaxErrorRetry = Math.Max(0, options.MaxRetries),
            // Checksums only where S3 requires them: several S3-compatible services refuse the trailing
            // checksums and chunked bodies the SDK would otherwise send with every PutObject.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        var region = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region.Trim();
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl.Trim();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }
        var secret = !string.IsNullOrWhiteSpace(options.SecretAccessKeyFile)
            ? File.ReadAllText(options.SecretAccessKeyFile).Trim()
            : options.SecretAccessKey;
        _s3 = !string.IsNullOrWhiteSpace(options.AccessKeyId) && !string.IsNullOrEmpty(secret)
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId.Trim(), secret), config)
            : new AmazonS3Client(config);
        Description = $"the bucket {_bucket}" + (_prefix.Length > 0 ? $" (prefix {_prefix})" : "") +
            (string.IsNullOrWhiteSpace(options.ServiceUrl) ? $" in {region}" : $" at {options.ServiceUrl.Trim()}");
    }

    public override string? LocalRoot => null;

    public override string Description { get; }

    public string Bucket => _bucket;

    /// <summary>The object name of a file: <c>{prefix}{key}/{file}</c>.</summary>
    public string ObjectKey(string key, string file) => _prefix + key + "/" + file;

    public override Uri? PublicUrl(string key, string file) => _publicBase is null ? null : new Uri(_publicBase, key + "/" + file);

    public override Task WriteAsync(string key, string file, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken ct) =>
        Guard($"write {key}/{file}", async () =>
        {
            using var body = new MemoryStream(bytes.ToArray(), writable: false);
            await _s3.PutObjectAsync(Put(key, file, contentType, body), ct);
        }, ct);

    public override string StagingPath(string key, string file)
    {
        var dir = Path.Combine(Path.GetTempPath(), "byline-media-staging");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, key + "-" + file + ".part");
    }

    public override Task KeepStagedAsync(string key, string file, string stagingPath, string contentType, CancellationToken ct) =>
        Guard($"write {key}/{file}", async () =>
        {
            try
            {
                await using var body = new FileStream(stagingPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
                await _s3.PutObjectAsync(Put(key, file, contentType, body), ct);
            }
            finally
            {
                File.Delete(stagingPath);
            }
        }, ct);

    private PutObjectRequest Put(string key, string file, string contentType, Stream body) => new()
    {
        BucketName = _bucket,
        Key = ObjectKey(key, file),
        InputStream = body,
        AutoCloseStream = false,
        ContentType = contentType,
        // What a CDN in front of the bucket passes on: the file never changes under its name.
        Headers = { CacheControl = "public, max-age=31536000, immutable" },
        // A plain body with a signed length: some S3-compatible services refuse aws-chunked uploads.
        UseChunkEncoding = false,
    };

    public override async Task<StoredFile?> OpenAsync(string key, string file, CancellationToken ct)
    {
        var response = await Guard($"read {key}/{file}", async () =>
        {
            try
            {
                return await _s3.GetObjectAsync(_bucket, ObjectKey(key, file), ct);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, ct);
        if (response is null)
        {
            return null;
        }
        var info = new StoredFileInfo(response.ContentLength, ToOffset(response.LastModified), response.ETag ?? "");
#pragma warning disable CA2000 // the stored file owns the stream (and the answer) and disposes it with itself
        return new StoredFile(info, null, new OwnedResponseStream(response));
#pragma warning restore CA2000
    }

    public override Task<StoredFileInfo?> InfoAsync(string key, string file, CancellationToken ct) =>
        Guard($"look up {key}/{file}", async () =>
        {
            try
            {
                var meta = await _s3.GetObjectMetadataAsync(_bucket, ObjectKey(key, file), ct);
                return new StoredFileInfo(meta.ContentLength, ToOffset(meta.LastModified), meta.ETag ?? "");
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return (StoredFileInfo?)null;
            }
        }, ct);

    public override async Task<IReadOnlyList<string>> ListAsync(string key, CancellationToken ct) =>
        (await ListObjectsAsync(key, ct)).Select(o => o[(_prefix.Length + key.Length + 1)..]).ToList();

    private Task<List<string>> ListObjectsAsync(string key, CancellationToken ct) =>
        Guard($"list {key}", async () =>
        {
            var names = new List<string>();
            var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + key + "/" };
            while (true)
            {
                var page = await _s3.ListObjectsV2Async(request, ct);
                names.AddRange((page.S3Objects ?? []).Select(o => o.Key));
                if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
                {
                    return names;
                }
                request.ContinuationToken = page.NextContinuationToken;
            }
        }, ct);

    public override async Task DeleteAsync(string key, CancellationToken ct)
    {
        var objects = await ListObjectsAsync(key, ct);
        // One request per object: DeleteObjects needs a Content-MD5 that not every S3-compatible service checks
        // the same way, and a picture has at most a dozen files.
        foreach (var name in objects)
        {
            await Guard($"remove {name}", () => _s3.DeleteObjectAsync(_bucket, name, ct), ct);
        }
    }

    private static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime()) : DateTimeOffset.UnixEpoch;

    private async Task Guard(string what, Func<Task> call, CancellationToken ct) =>
        await Guard(what, async () => { await call(); return true; }, ct);

    // Whatever way the store fails (refused connection, timeout, an error answer), the caller gets one
    // MediaStoreException that names the store, and the cause is logged.
    private async Task<T> Guard<T>(string what, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException
                                   || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            _log?.LogWarning(e, "Media store: could not {What} in {Store}", what, Description);
            throw new MediaStoreException($"The media store ({Description}) did not answer: could not {what}.", e);
        }
    }

    public void Dispose() => _s3.Dispose();

    /// <summary>The body of a GetObject answer; disposing it closes the answer (and its connection) too.</summary>
    private sealed class OwnedResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
