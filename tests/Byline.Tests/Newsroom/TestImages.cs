using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Byline.Tests.Newsroom;

/// <summary>Pictures for upload tests, made in memory: real ones, a bomb's header, one carrying EXIF.</summary>
public static class TestImages
{
    public static byte[] Png(int width = 1000, int height = 600) => Encode(width, height, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width = 1000, int height = 600) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(new SKColor(30, 90, 160));
        using var paint = new SKPaint { Color = SKColors.Orange };
        surface.Canvas.DrawCircle(width / 2f, height / 2f, height / 3f, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A JPEG with an APP1 EXIF segment carrying a marker string (as a camera's GPS position would).</summary>
    public static byte[] JpegWithExif(string marker)
    {
        var jpeg = Jpeg();
        var tiff = new List<byte>();
        tiff.AddRange("Exif\0\0"u8.ToArray());
        tiff.AddRange("MM\0*"u8.ToArray());
        tiff.AddRange([0, 0, 0, 8, 0, 0, 0, 0, 0, 0]);
        tiff.AddRange(Encoding.ASCII.GetBytes(marker));
        var segment = new List<byte> { 0xFF, 0xE1 };
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(tiff.Count + 2));
        segment.AddRange(length);
        segment.AddRange(tiff);
        return [.. jpeg.Take(2), .. segment, .. jpeg.Skip(2)];
    }

    /// <summary>
    /// A small PNG whose header claims 50,000 × 50,000 pixels (10 GB decoded): a decompression bomb
    /// needs only its header to be refused.
    /// </summary>
    public static byte[] PngBombHeader()
    {
        var png = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(0), 50_000);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), 50_000);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        Chunk(png, "IHDR", ihdr);
        // A zlib stream of a few zero bytes: it would inflate to rows of zeros, were anyone to decode it.
        Chunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return [.. png];
    }

    private static void Chunk(List<byte> png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        png.AddRange(length);
        var body = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.AddRange(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        png.AddRange(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
