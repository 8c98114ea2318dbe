using System.Globalization;

namespace Byline.Media;

/// <summary>Which store holds media files (<c>Byline:Media:Store</c>).</summary>
public enum MediaStoreKind
{
    /// <summary>A folder on this node, <c>Byline:Media:Path</c> (the default).</summary>
    Local,
    /// <summary>A bucket on an S3-compatible service (<c>Byline:Media:S3</c>), shared by every node.</summary>
    S3,
}

/// <summary>What the store knows of one file: enough to answer a conditional request.</summary>
public sealed record StoredFileInfo(long Length, DateTimeOffset LastModified, string ETag);

/// <summary>
/// One file opened for reading: a path on this node's disk (served with the operating system's own file
/// sending), or a stream from a remote store. The caller disposes it.
/// </summary>
public sealed class StoredFile(StoredFileInfo info, string? physicalPath, Stream? content) : IAsyncDisposable
{
    public StoredFileInfo Info { get; } = info;
    public string? PhysicalPath { get; } = physicalPath;
    public Stream? Content { get; private set; } = content;

    /// <summary>Hands the stream over (to a response that disposes it); the file no longer owns it.</summary>
    public Stream TakeContent()
    {
        var content = Content ?? throw new InvalidOperationException("This file is on disk; read it by its path.");
        Content = null;
        return content;
    }

    public async Task<byte[]> ReadAllBytesAsync(CancellationToken ct)
    {
        if (PhysicalPath is not null)
        {
            return await File.ReadAllBytesAsync(PhysicalPath, ct);
        }
        using var copy = new MemoryStream();
        await Content!.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    public ValueTask DisposeAsync() => Content?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>The store did not answer or refused a write: the caller says so and keeps nothing half-made.</summary>
public sealed class MediaStoreException(string message, Exception? inner) : Exception(message, inner);

/// <summary>
/// Where media files (picture renditions, crops, videos) live: <c>{key}/{file}</c>, e.g.
/// <c>up-1a2b3c4d5e6f7a8b/800.webp</c>. Keys are random and files are written once, so a file never
/// changes under its name; only a crop made again around a new focal point is replaced.
/// Two stores: a folder on this node (<see cref="LocalMediaStore"/>, today's layout byte for byte) and
/// a bucket on an S3-compatible service that several nodes share (<see cref="S3MediaStore"/>).
/// </summary>
public abstract class MediaStore
{
    /// <summary>The folder files are in when they are on this node's disk; null for a remote store.</summary>
    public abstract string? LocalRoot { get; }

    /// <summary>For logs and messages: "the folder /srv/byline/media", "the bucket news (prefix media/)".</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The address a reader's browser may fetch a file from directly (a CDN in front of the bucket), or null
    /// when Byline serves it at <c>/media/{key}/{file}</c> itself.
    /// </summary>
    public virtual Uri? PublicUrl(string key, string file) => null;

    /// <summary>Writes a whole file; a reader never sees half of it.</summary>
    public abstract Task WriteAsync(string key, string file, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken ct);

    /// <summary>A place on this node's disk to write a large file before it is checked and kept (<see cref="KeepStagedAsync"/>).</summary>
    public abstract string StagingPath(string key, string file);

    /// <summary>Moves a staged file into the store under its final name.</summary>
    public abstract Task KeepStagedAsync(string key, string file, string stagingPath, string contentType, CancellationToken ct);

    /// <summary>The file, open for reading, or null when there is none.</summary>
    public abstract Task<StoredFile?> OpenAsync(string key, string file, CancellationToken ct);

    /// <summary>What the store knows of a file without reading it, or null when there is none.</summary>
    public abstract Task<StoredFileInfo?> InfoAsync(string key, string file, CancellationToken ct);

    /// <summary>The names of the files under one key ("480.jpg", "1200x900.jpg", …).</summary>
    public abstract Task<IReadOnlyList<string>> ListAsync(string key, CancellationToken ct);

    /// <summary>Removes every file under one key; nothing there is not an error.</summary>
    public abstract Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>The store configured in <c>Byline:Media</c>: the local folder unless <c>Store</c> is <c>S3</c>.</summary>
    public static MediaStore Create(IConfiguration config, ILoggerFactory? logs = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = config.GetSection("Byline:Media").Get<MediaOptions>() ?? new MediaOptions();
        return options.Store switch
        {
            MediaStoreKind.S3 => new S3MediaStore(options.S3, logs?.CreateLogger<S3MediaStore>()),
            _ => new LocalMediaStore(LocalPathOf(config)),
        };
    }

    /// <summary>
    /// <c>Byline:Media:Path</c>, relative to the working directory like the SQLite file (the web host's
    /// content root is the application's folder; the command line's is not).
    /// </summary>
    public static string LocalPathOf(IConfiguration config) =>
        Path.GetFullPath((config ?? throw new ArgumentNullException(nameof(config)))["Byline:Media:Path"] ?? "data/media");

    public static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".jpg" => "image/jpeg",
        ".webp" => "image/webp",
        ".mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
}

/// <summary>Media in a folder on this node: <c>{root}/{key}/{file}</c>, as Byline has always kept it.</summary>
public sealed class LocalMediaStore(string root) : MediaStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public override string? LocalRoot => Root;

    public override string Description => "the folder " + Root;

    private string PathOf(string key, string file) => Path.Combine(Root, key, file);

    // A reader must never be served half a file, so write beside it and rename into place.
    public override async Task WriteAsync(string key, string file, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken ct)
    {
        var path = PathOf(key, file);
        var temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.Combine(Root, key));
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await stream.WriteAsync(bytes, ct);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaStoreException($"Byline could not write {key}/{file} in {Description}: {e.Message}", e);
        }
    }

    public override string StagingPath(string key, string file)
    {
        Directory.CreateDirectory(Path.Combine(Root, key));
        return PathOf(key, file) + ".part";
    }

    public override Task KeepStagedAsync(string key, string file, string stagingPath, string contentType, CancellationToken ct)
    {
        File.Move(stagingPath, PathOf(key, file));
        return Task.CompletedTask;
    }

    public override Task<StoredFile?> OpenAsync(string key, string file, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(key, file));
        return Task.FromResult(info.Exists ? new StoredFile(InfoOf(info), info.FullName, null) : null);
    }

    public override Task<StoredFileInfo?> InfoAsync(string key, string file, CancellationToken ct)
    {
        var info = new FileInfo(PathOf(key, file));
        return Task.FromResult(info.Exists ? InfoOf(info) : null);
    }

    // The validator Byline has always sent for a file on disk: its length and write time.
    private static StoredFileInfo InfoOf(FileInfo info) => new(info.Length, info.LastWriteTimeUtc,
        string.Create(CultureInfo.InvariantCulture, $"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\""));

    public override Task<IReadOnlyList<string>> ListAsync(string key, CancellationToken ct)
    {
        var dir = new DirectoryInfo(Path.Combine(Root, key));
        IReadOnlyList<string> names = dir.Exists
            ? dir.EnumerateFiles().Select(f => f.Name).Where(n => !n.EndsWith(".tmp", StringComparison.Ordinal) && !n.EndsWith(".part", StringComparison.Ordinal)).ToList()
            : [];
        return Task.FromResult(names);
    }

    public override Task DeleteAsync(string key, CancellationToken ct)
    {
        var dir = Path.Combine(Root, key);
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MediaStoreException($"Byline could not remove {key} from {Description}: {e.Message}", e);
        }
        return Task.CompletedTask;
    }
}
