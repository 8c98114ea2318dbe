using Byline.Content;
using System.Buffers.Binary;
using SkiaSharp;

namespace Byline.Demo;

/// <summary>
/// Short, really playable MP4 clips for the demo's episodes, made without a video encoder: every frame
/// is drawn with SkiaSharp and stored as an H.264 (Constrained Baseline) intra picture whose macroblocks
/// are all <c>I_PCM</c> — raw samples, which the standard allows and every decoder plays. The file is
/// large for its length (≈ 55 KB a frame at 256×144), so the clips are small and few: one title clip per
/// show, a few seconds long, shared by its episodes.
/// </summary>
internal static class DemoVideo
{
    public const int Width = 256;
    public const int Height = 144;
    public const int FramesPerSecond = 6;
    private const int MbCols = Width / 16;
    private const int MbRows = Height / 16;
    private const int Timescale = 600;

    /// <summary>An MP4 of <paramref name="seconds"/> seconds: the show's title card with a sweeping light and a progress bar.</summary>
    public static byte[] TitleClip(Action<SKCanvas> drawCard, SKColor accent, int seconds)
    {
        ArgumentNullException.ThrowIfNull(drawCard);
        var frames = seconds * FramesPerSecond;
        using var card = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(card))
        {
            canvas.Scale(Width / (float)DemoArtwork.LeadWidth, Height / (float)DemoArtwork.LeadHeight);
            drawCard(canvas);
        }
        using var still = SKImage.FromBitmap(card);
        var samples = new List<byte[]>(frames);
        using var frame = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var light = new SKPaint { IsAntialias = true };
        using var bar = new SKPaint { Color = accent };
        for (var f = 0; f < frames; f++)
        {
            using (var canvas = new SKCanvas(frame))
            {
                canvas.DrawImage(still, new SKRect(0, 0, Width, Height), SKSamplingOptions.Default);
                var x = -Width / 2f + (Width * 2f) * f / frames;
                light.Shader = SKShader.CreateLinearGradient(new SKPoint(x - 40, 0), new SKPoint(x + 40, Height),
                    [SKColors.Transparent, new SKColor(255, 255, 255, 70), SKColors.Transparent], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, Width, Height, light);
                light.Shader?.Dispose();
                canvas.DrawRect(0, Height - 6, Width * (f + 1f) / frames, 6, bar);
            }
            samples.Add(Nal(0x65, Slice(frame, idrPicId: f % 2)));
        }
        return Mp4(samples, Sps(), Pps());
    }

    // ---- H.264 ------------------------------------------------------------------------------

    private static byte[] Sps()
    {
        var b = new BitWriter();
        b.Bits(66, 8);          // profile_idc: Baseline
        b.Bits(0b1100_0000, 8); // constraint_set0 and set1: Constrained Baseline
        b.Bits(30, 8);          // level_idc 3.0
        b.Ue(0);                // seq_parameter_set_id
        b.Ue(0);                // log2_max_frame_num_minus4
        b.Ue(2);                // pic_order_cnt_type 2: output order is decoding order
        b.Ue(1);                // max_num_ref_frames: room for the current IDR picture (nothing refers to it)
        b.Bit(0);               // gaps_in_frame_num_value_allowed_flag
        b.Ue(MbCols - 1);       // pic_width_in_mbs_minus1
        b.Ue(MbRows - 1);       // pic_height_in_map_units_minus1
        b.Bit(1);               // frame_mbs_only_flag
        b.Bit(1);               // direct_8x8_inference_flag
        b.Bit(0);               // frame_cropping_flag
        b.Bit(0);               // vui_parameters_present_flag
        b.Trailing();
        return Nal(0x67, b.ToArray());
    }

    private static byte[] Pps()
    {
        var b = new BitWriter();
        b.Ue(0);    // pic_parameter_set_id
        b.Ue(0);    // seq_parameter_set_id
        b.Bit(0);   // entropy_coding_mode_flag: CAVLC
        b.Bit(0);   // bottom_field_pic_order_in_frame_present_flag
        b.Ue(0);    // num_slice_groups_minus1
        b.Ue(0);    // num_ref_idx_l0_default_active_minus1
        b.Ue(0);    // num_ref_idx_l1_default_active_minus1
        b.Bit(0);   // weighted_pred_flag
        b.Bits(0, 2); // weighted_bipred_idc
        b.Se(0);    // pic_init_qp_minus26
        b.Se(0);    // pic_init_qs_minus26
        b.Se(0);    // chroma_qp_index_offset
        b.Bit(1);   // deblocking_filter_control_present_flag
        b.Bit(0);   // constrained_intra_pred_flag
        b.Bit(0);   // redundant_pic_cnt_present_flag
        b.Trailing();
        return Nal(0x68, b.ToArray());
    }

    /// <summary>One IDR slice covering the picture, every macroblock I_PCM (BT.601 limited-range 4:2:0 samples).</summary>
    private static byte[] Slice(SKBitmap frame, int idrPicId)
    {
        var b = new BitWriter();
        b.Ue(0);        // first_mb_in_slice
        b.Ue(7);        // slice_type: I, as every slice of the picture
        b.Ue(0);        // pic_parameter_set_id
        b.Bits(0, 4);   // frame_num (log2_max_frame_num = 4)
        b.Ue(idrPicId); // idr_pic_id: differs between consecutive IDR pictures
        b.Bit(0);       // no_output_of_prior_pics_flag
        b.Bit(0);       // long_term_reference_flag
        b.Se(0);        // slice_qp_delta
        b.Ue(1);        // disable_deblocking_filter_idc: off (nothing to smooth in raw samples)
        var pixels = frame.GetPixelSpan();
        var luma = new byte[256];
        var cb = new byte[64];
        var cr = new byte[64];
        for (var my = 0; my < MbRows; my++)
        {
            for (var mx = 0; mx < MbCols; mx++)
            {
                b.Ue(25); // mb_type I_PCM
                b.Align();
                for (var y = 0; y < 16; y++)
                {
                    for (var x = 0; x < 16; x++)
                    {
                        var (r, g, bl) = Rgb(pixels, mx * 16 + x, my * 16 + y);
                        luma[y * 16 + x] = Clamp(16 + (65.481 * r + 128.553 * g + 24.966 * bl) / 255);
                    }
                }
                for (var y = 0; y < 8; y++)
                {
                    for (var x = 0; x < 8; x++)
                    {
                        double r = 0, g = 0, bl = 0;
                        for (var dy = 0; dy < 2; dy++)
                        {
                            for (var dx = 0; dx < 2; dx++)
                            {
                                var (pr, pg, pb) = Rgb(pixels, mx * 16 + x * 2 + dx, my * 16 + y * 2 + dy);
                                r += pr / 4.0;
                                g += pg / 4.0;
                                bl += pb / 4.0;
                            }
                        }
                        cb[y * 8 + x] = Clamp(128 + (-37.797 * r - 74.203 * g + 112.0 * bl) / 255);
                        cr[y * 8 + x] = Clamp(128 + (112.0 * r - 93.786 * g - 18.214 * bl) / 255);
                    }
                }
                b.Bytes(luma);
                b.Bytes(cb);
                b.Bytes(cr);
            }
        }
        b.Trailing();
        return b.ToArray();
    }

    private static (int R, int G, int B) Rgb(ReadOnlySpan<byte> rgba, int x, int y)
    {
        var i = (y * Width + x) * 4;
        return (rgba[i], rgba[i + 1], rgba[i + 2]);
    }

    // Kept inside the video range, which also keeps zero bytes out of the samples.
    private static byte Clamp(double v) => (byte)Math.Clamp((int)Math.Round(v), 16, 240);

    /// <summary>A NAL unit: its header byte and the payload with emulation-prevention bytes inserted.</summary>
    private static byte[] Nal(byte header, byte[] rbsp)
    {
        var output = new List<byte>(rbsp.Length + rbsp.Length / 64 + 1) { header };
        var zeros = 0;
        foreach (var v in rbsp)
        {
            if (zeros >= 2 && v <= 3)
            {
                output.Add(3);
                zeros = 0;
            }
            output.Add(v);
            zeros = v == 0 ? zeros + 1 : 0;
        }
        return [.. output];
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _current;
        private int _count;

        public void Bit(int bit)
        {
            _current = (_current << 1) | (bit & 1);
            if (++_count == 8)
            {
                _bytes.Add((byte)_current);
                _current = 0;
                _count = 0;
            }
        }

        public void Bits(int value, int n)
        {
            for (var i = n - 1; i >= 0; i--)
            {
                Bit((value >> i) & 1);
            }
        }

        /// <summary>Unsigned Exp-Golomb.</summary>
        public void Ue(int value)
        {
            var v = value + 1;
            var length = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)v);
            Bits(0, length - 1);
            Bits(v, length);
        }

        /// <summary>Signed Exp-Golomb.</summary>
        public void Se(int value) => Ue(value <= 0 ? -2 * value : 2 * value - 1);

        public void Align()
        {
            while (_count != 0)
            {
                Bit(0);
            }
        }

        public void Bytes(byte[] data)
        {
            if (_count != 0)
            {
                throw new InvalidOperationException("not byte-aligned");
            }
            _bytes.AddRange(data);
        }

        /// <summary>rbsp_trailing_bits: a one, then zeros to the byte boundary.</summary>
        public void Trailing()
        {
            Bit(1);
            Align();
        }

        public byte[] ToArray() => [.. _bytes];
    }

    // ---- MP4 (ISO base media file, progressive: moov before mdat) ----------------------------

    private static byte[] Mp4(List<byte[]> samples, byte[] sps, byte[] pps)
    {
        var delta = Timescale / FramesPerSecond;
        var duration = samples.Count * delta;
        var ftyp = Box("ftyp", "isom"u8.ToArray(), U32(0x200), "isom"u8.ToArray(), "iso2"u8.ToArray(), "avc1"u8.ToArray(), "mp41"u8.ToArray());
        byte[] Moov(uint chunkOffset) => Box("moov",
            Full("mvhd", 0, 0, U32(0), U32(0), U32(Timescale), U32((uint)duration), U32(0x00010000), U16(0x0100), new byte[10], Matrix(), new byte[24], U32(2)),
            Box("trak",
                Full("tkhd", 0, 3, U32(0), U32(0), U32(1), U32(0), U32((uint)duration), new byte[8], U16(0), U16(0), U16(0), U16(0), Matrix(), U32(Width << 16), U32(Height << 16)),
                Box("mdia",
                    Full("mdhd", 0, 0, U32(0), U32(0), U32(Timescale), U32((uint)duration), U16(0x55C4), U16(0)),
                    Full("hdlr", 0, 0, U32(0), "vide"u8.ToArray(), new byte[12], "VideoHandler\0"u8.ToArray()),
                    Box("minf",
                        Full("vmhd", 0, 1, U16(0), new byte[6]),
                        Box("dinf", Full("dref", 0, 0, U32(1), Full("url ", 0, 1))),
                        Box("stbl",
                            Full("stsd", 0, 0, U32(1), Box("avc1",
                                new byte[6], U16(1), U16(0), U16(0), new byte[12], U16(Width), U16(Height),
                                U32(0x00480000), U32(0x00480000), U32(0), U16(1), new byte[32], U16(0x0018), U16(0xFFFF),
                                Box("avcC", [1, sps[1], sps[2], sps[3], 0xFF, 0xE1], U16((ushort)sps.Length), sps, [1], U16((ushort)pps.Length), pps))),
                            Full("stts", 0, 0, U32(1), U32((uint)samples.Count), U32((uint)delta)),
                            Full("stsc", 0, 0, U32(1), U32(1), U32((uint)samples.Count), U32(1)),
                            Full("stsz", 0, 0, U32(0), U32((uint)samples.Count), [.. samples.SelectMany(s => U32((uint)(s.Length + 4)))]),
                            Full("stco", 0, 0, U32(1), U32(chunkOffset)))))));
        // The chunk offset is where the samples start: after ftyp, moov and mdat's own 8-byte header.
        var moovLength = Moov(0).Length;
        var offset = (uint)(ftyp.Length + moovLength + 8);
        var payload = samples.Sum(s => s.Length + 4);
        using var file = new MemoryStream(ftyp.Length + moovLength + 8 + payload);
        file.Write(ftyp);
        file.Write(Moov(offset));
        file.Write(U32((uint)(payload + 8)));
        file.Write("mdat"u8);
        foreach (var s in samples)
        {
            file.Write(U32((uint)s.Length));
            file.Write(s);
        }
        return file.ToArray();
    }

    private static byte[] Matrix() => [.. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x40000000)];

    private static byte[] Box(string type, params byte[][] parts)
    {
        var length = 8 + parts.Sum(p => p.Length);
        var box = new byte[length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)length);
        System.Text.Encoding.ASCII.GetBytes(type, 0, 4, box, 4);
        var at = 8;
        foreach (var p in parts)
        {
            p.CopyTo(box, at);
            at += p.Length;
        }
        return box;
    }

    private static byte[] Full(string type, byte version, uint flags, params byte[][] parts) =>
        Box(type, [[version, (byte)(flags >> 16), (byte)(flags >> 8), (byte)flags], .. parts]);

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }

    private static byte[] U32(int v) => U32((uint)v);

    private static byte[] U16(int v) => [(byte)(v >> 8), (byte)v];
}
