using System.Text.Json;

namespace Byline.Importing;

/// <summary>A Ghost export that cannot be read: not JSON, truncated, not Ghost's shape, or an unsafe zip.</summary>
public sealed class GhostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a Ghost export (<c>{"db":[{"meta":…,"data":{"posts":[…],"tags":[…],…}}]}</c>, or the same without
/// the <c>db</c> wrapper) as a stream: only one row of one table is in memory at a time, so a file of
/// any size costs a buffer as large as its largest row. Each wanted row is handed over as a
/// <see cref="JsonElement"/> (valid only during the call) with its raw bytes.
/// </summary>
public static class GhostJson
{
    /// <summary>A single row larger than this is refused: no post is this large, and the buffer must stay bounded.</summary>
    public const int MaxRowBytes = 64 << 20;

    public delegate void RowHandler(string table, JsonElement row, ReadOnlySpan<byte> raw);

    /// <summary>
    /// Walks the whole file, handing rows of the tables <paramref name="wanted"/> accepts (and the
    /// <c>meta</c> object, as table "meta") to <paramref name="onRow"/>; skips everything else.
    /// Throws <see cref="GhostException"/> for a file that is not well-formed JSON or not a Ghost export.
    /// </summary>
    public static void Read(Stream stream, Func<string, bool> wanted, RowHandler onRow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(onRow);
        new Walker(stream, wanted, onRow, ct).Run();
    }

    private sealed class Walker(Stream stream, Func<string, bool> wanted, RowHandler onRow, CancellationToken ct)
    {
        private byte[] _buffer = new byte[1 << 16];
        private int _length;
        private bool _final;
        private long _offset;
        // The containers entered: the property that opened each ("$" the root, "[]" an array's item) and whether it is an array.
        private readonly List<(string Name, bool Array)> _path = [];
        private bool _sawData;
        private bool _sawPosts;

        public void Run()
        {
            Fill(0);
            var reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final,
                new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 }));
            string? property = null;
            try
            {
                while (true)
                {
                    var before = reader.CurrentState;
                    var beforeAt = (int)reader.BytesConsumed;
                    if (!reader.Read())
                    {
                        if (_final)
                        {
                            break;
                        }
                        Fill(beforeAt);
                        reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final, before);
                        continue;
                    }
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            property = reader.GetString();
                            break;
                        case JsonTokenType.StartObject or JsonTokenType.StartArray:
                            if (_path.Count == 0 && reader.TokenType != JsonTokenType.StartObject)
                            {
                                throw new GhostException("not a Ghost export: the file is JSON but not an object with Ghost's db and data");
                            }
                            var name = _path.Count == 0 ? "$" : _path[^1].Array ? "[]" : property ?? "";
                            property = null;
                            var table = reader.TokenType == JsonTokenType.StartObject ? RowTable(name) : null;
                            if (table is null)
                            {
                                _sawData |= name == "data" && reader.TokenType == JsonTokenType.StartObject && AtExportLevel();
                                _path.Add((name, reader.TokenType == JsonTokenType.StartArray));
                                break;
                            }
                            _sawPosts |= table == "posts";
                            var start = (int)reader.TokenStartIndex;
                            if (!reader.TrySkip())
                            {
                                // The row runs past the buffer: keep it from its start, read more (growing the buffer) and try again.
                                Fill(beforeAt);
                                reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final, before);
                                // Undo what the aborted read would have entered.
                                property = name == "[]" ? null : name;
                                break;
                            }
                            if (table == "meta" || wanted(table))
                            {
                                var raw = _buffer.AsMemory(start, (int)reader.BytesConsumed - start);
                                using var row = JsonDocument.Parse(raw);
                                onRow(table, row.RootElement, raw.Span);
                            }
                            break;
                        case JsonTokenType.EndObject or JsonTokenType.EndArray:
                            _path.RemoveAt(_path.Count - 1);
                            break;
                    }
                }
            }
            catch (JsonException e)
            {
                throw new GhostException($"not well-formed JSON near byte {_offset + reader.BytesConsumed:N0} (truncated or damaged)", e);
            }
            if (!_sawData || !_sawPosts)
            {
                throw new GhostException("not a Ghost export: it has no db[0].data.posts table");
            }
        }

        /// <summary>True where <c>meta</c> and <c>data</c> stand: the root, or an item of the root's <c>db</c> array.</summary>
        private bool AtExportLevel() =>
            (_path.Count == 1 && _path[0].Name == "$") ||
            (_path.Count == 3 && _path[1] == ("db", true) && _path[2].Name == "[]");

        /// <summary>The table whose row an object at this place is, "meta" for the export's meta object, else null.</summary>
        private string? RowTable(string name)
        {
            if (name == "meta" && AtExportLevel())
            {
                return "meta";
            }
            if (name != "[]" || _path.Count < 3 || !_path[^1].Array || _path[^2] != ("data", false))
            {
                return null;
            }
            var dataAt = _path.Count - 2;
            var exportLevel = (dataAt == 1 && _path[0].Name == "$") || (dataAt == 3 && _path[1] == ("db", true) && _path[2].Name == "[]");
            return exportLevel ? _path[^1].Name : null;
        }

        /// <summary>Drops the bytes before <paramref name="keepFrom"/> and reads more; grows the buffer when one value fills it.</summary>
        private void Fill(int keepFrom)
        {
            ct.ThrowIfCancellationRequested();
            _offset += keepFrom;
            Buffer.BlockCopy(_buffer, keepFrom, _buffer, 0, _length - keepFrom);
            _length -= keepFrom;
            if (_length == _buffer.Length)
            {
                if (_buffer.Length >= MaxRowBytes)
                {
                    throw new GhostException($"a row of the export is larger than {MaxRowBytes >> 20} MB (near byte {_offset:N0})");
                }
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxRowBytes));
            }
            while (_length < _buffer.Length)
            {
                var n = stream.Read(_buffer, _length, _buffer.Length - _length);
                if (n == 0)
                {
                    _final = true;
                    break;
                }
                _length += n;
            }
        }
    }
}
