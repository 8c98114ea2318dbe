using System.Buffers.Binary;
using System.Text;
using Byline.Demo;
using Byline.Site.Shows;
using SkiaSharp;

namespace Byline.Tests.Content;

/// <summary>The demo's generated clips are MP4 files the upload checks accept, laid out for progressive play.</summary>
public sealed class DemoVideoTests
{
    private static readonly byte[] Clip = DemoVideo.TitleClip(c => c.Clear(new SKColor(30, 60, 120)), SKColors.Orange, seconds: 2);

    private static List<(string Type, int Offset, int Size)> TopBoxes(byte[] file)
    {
        var boxes = new List<(string, int, int)>();
        for (var at = 0; at + 8 <= file.Length;)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            boxes.Add((Encoding.ASCII.GetString(file, at + 4, 4), at, size));
            Assert.True(size >= 8, $"box at {at} has size {size}");
            at += size;
        }
        return boxes;
    }

    [Fact]
    public void A_clip_is_an_mp4_with_its_index_before_its_pictures_and_one_sample_per_frame()
    {
        Assert.True(VideoFiles.IsMp4(Clip));
        var boxes = TopBoxes(Clip);
        Assert.Equal(["ftyp", "moov", "mdat"], boxes.Select(b => b.Type));
        Assert.Equal(Clip.Length, boxes.Sum(b => b.Size));

        var frames = 2 * DemoVideo.FramesPerSecond;
        var mdat = boxes[2];
        var samples = 0;
        for (var at = mdat.Offset + 8; at < mdat.Offset + mdat.Size; samples++)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(Clip.AsSpan(at));
            // An IDR slice NAL unit (nal_ref_idc 3, type 5) in every sample.
            Assert.Equal(0x65, Clip[at + 4]);
            at += 4 + length;
        }
        Assert.Equal(frames, samples);
    }

    [Fact]
    public void The_same_drawing_gives_the_same_bytes()
    {
        var again = DemoVideo.TitleClip(c => c.Clear(new SKColor(30, 60, 120)), SKColors.Orange, seconds: 2);
        Assert.Equal(Clip, again);
    }
}
