using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Byline.Importing;

/// <summary>
/// A Ghost export as given: the JSON file itself, or a zip holding the JSON and the site's
/// <c>content/images/…</c> folder. A zip is checked whole before anything is read from it: an entry
/// whose path would leave the folder, or that expands more than <see cref="MaxRatio"/> times (a zip
/// bomb), or a total past <see cref="MaxTotalBytes"/>, refuses the file; and every entry is read
/// through a counter that stops at its declared size, so a header that lies about it gains nothing.
/// </summary>
public sealed partial class GhostArchive : IDisposable
{
    /// <summary>Everything a zip may expand to: a national site's images fit with room to spare.</summary>
    public const long MaxTotalBytes = 32L << 30;
    /// <summary>Pictures and JSON compress a few times at most; a thousandfold entry is a bomb.</summary>
    public const int MaxRatio = 200;

    private readonly string _path;
    private readonly FileStream? _zipFile;
    private readonly ZipArchive? _zip;
    private readonly ZipArchiveEntry? _json;
    private readonly Dictionary<string, ZipArchiveEntry> _images = new(StringComparer.Ordinal);

    [GeneratedRegex(@"^(?:size/w\d+(?:h\d+)?/|format/\w+/)+", RegexOptions.CultureInvariant)]
    private static partial Regex SizePrefix();

    private GhostArchive(string path, FileStream? zipFile, ZipArchive? zip)
    {
        _path = path;
        _zipFile = zipFile;
        _zip = zip;
        if (zip is null)
        {
            return;
        }
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.Replace('\\', '/');
            if (name.StartsWith('/') || name.Split('/').Any(s => s == "..") || (name.Length > 1 && name[1] == ':'))
            {
                throw new GhostException($"the zip holds an entry whose path leaves its folder ({entry.FullName}); refused");
            }
            total += entry.Length;
            if (total > MaxTotalBytes)
            {
                throw new GhostException($"the zip expands to more than {MaxTotalBytes >> 30} GB; refused");
            }
            if (entry.Length > (1 << 20) && entry.Length > Math.Max(1, entry.CompressedLength) * MaxRatio)
            {
                throw new GhostException($"the zip entry {entry.FullName} expands {entry.Length / Math.Max(1, entry.CompressedLength):N0} times (a zip bomb?); refused");
            }
            if (name.StartsWith("__MACOSX/", StringComparison.Ordinal) || name.EndsWith('/'))
            {
                continue;
            }
            if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && (_json is null || entry.Length > _json.Length))
            {
                _json = entry;
            }
            else if (ImageKey(name) is { } key)
            {
                _images[key] = entry;
            }
        }
        if (_json is null)
        {
            throw new GhostException("the zip holds no Ghost export (.json file)");
        }
    }

    /// <summary>Opens a JSON file or a zip (told apart by its first bytes, not its name).</summary>
    public static GhostArchive Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportException($"cannot read {path}: {e.Message}", e);
        }
        Span<byte> magic = stackalloc byte[4];
        var isZip = file.Read(magic) == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        if (!isZip)
        {
            file.Dispose();
            return new GhostArchive(path, null, null);
        }
        file.Position = 0;
        ZipArchive? zip = null;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            return new GhostArchive(path, file, zip);
        }
        catch (InvalidDataException e)
        {
            zip?.Dispose();
            file.Dispose();
            throw new GhostException($"the zip cannot be read (damaged or truncated): {e.Message}", e);
        }
        catch
        {
            zip?.Dispose();
            file.Dispose();
            throw;
        }
    }

    public bool IsZip => _zip is not null;

    public int ImageCount => _images.Count;

    /// <summary>A new stream over the export's JSON, from its start (each pass opens its own).</summary>
    public Stream OpenJson()
    {
        if (_json is null)
        {
            return new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        // One entry is read at a time: the import's phases run one after the other.
        return new CappedStream(_json.Open(), _json.Length, _json.FullName);
    }

    /// <summary>The bytes of a picture of the zip's <c>content/images</c> by its key, or null when the zip has none.</summary>
    public async Task<byte[]?> ImageAsync(string key, long maxBytes, CancellationToken ct)
    {
        if (!_images.TryGetValue(key, out var entry))
        {
            return null;
        }
        if (entry.Length > maxBytes)
        {
            throw new GhostException($"larger than {maxBytes:N0} bytes");
        }
        await using (var stream = new CappedStream(entry.Open(), entry.Length, entry.FullName))
        {
            using var copy = new MemoryStream((int)entry.Length);
            await stream.CopyToAsync(copy, ct);
            return copy.ToArray();
        }
    }

    /// <summary>
    /// The key of a Ghost picture path (<c>…/content/images/size/w600/2024/01/a.jpg</c> → <c>2024/01/a.jpg</c>),
    /// lower case, or null for a path outside <c>content/images</c>.
    /// </summary>
    public static string? ImageKey(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        const string Marker = "content/images/";
        var at = path.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0 || (at > 0 && path[at - 1] != '/'))
        {
            return null;
        }
        var key = SizePrefix().Replace(Uri.UnescapeDataString(path[(at + Marker.Length)..]), "");
        return key.Length == 0 ? null : key.ToLowerInvariant();
    }

    public void Dispose()
    {
        _zip?.Dispose();
        _zipFile?.Dispose();
    }

    /// <summary>Reads an entry and refuses to give more than its declared size (a bomb may lie in its header).</summary>
    private sealed class CappedStream(Stream inner, long limit, string name) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => limit;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new GhostException($"the zip entry {name} expands past its declared size (a zip bomb?); refused");
            }
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
