using Byline.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Byline.Tests.Media;

public sealed class ScaledDecodeTests
{
    private static byte[] HalfRedHalfBlue(int width, int height, SKEncodedImageFormat format)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.Blue);
        using var paint = new SKPaint { Color = SKColors.Red };
        surface.Canvas.DrawRect(0, 0, width / 2f, height, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void A_picture_is_decoded_shrunk_by_a_whole_factor_with_its_content(SKEncodedImageFormat format)
    {
        using var data = SKData.CreateCopy(HalfRedHalfBlue(4000, 1000, format));
        using var codec = SKCodec.Create(data);

        using var bitmap = ScaledDecode.Decode(codec, 1200);

        Assert.NotNull(bitmap);
        Assert.Equal((1334, 334), (bitmap.Width, bitmap.Height));
        var left = bitmap.GetPixel(100, 100);
        var right = bitmap.GetPixel(1200, 100);
        Assert.True(left.Red > 200 && left.Blue < 50, $"left {left}");
        Assert.True(right.Blue > 200 && right.Red < 50, $"right {right}");
    }

    [Fact]
    public void A_png_is_decoded_whole_and_so_goes_through_the_gate_alone()
    {
        using var data = SKData.CreateCopy(HalfRedHalfBlue(4000, 1000, SKEncodedImageFormat.Png));
        using var codec = SKCodec.Create(data);

        Assert.True(ScaledDecode.DecodesWhole(codec, 1200));
        using var bitmap = ScaledDecode.Decode(codec, 1200);
        Assert.Equal((4000, 1000), (bitmap!.Width, bitmap.Height));
    }

    [Fact]
    public void A_picture_narrower_than_twice_the_target_is_decoded_whole()
    {
        using var data = SKData.CreateCopy(HalfRedHalfBlue(2000, 500, SKEncodedImageFormat.Png));
        using var codec = SKCodec.Create(data);

        using var bitmap = ScaledDecode.Decode(codec, 1200);

        Assert.Equal((2000, 500), (bitmap!.Width, bitmap.Height));
    }

    [Theory]
    [InlineData("https://media.example.org", "site.example.org", "https://media.example.org/media/up-1/480.jpg")]
    [InlineData("https://media.example.org", "media.example.org", null)]
    [InlineData("", "site.example.org", null)]
    public void With_a_media_host_media_on_the_site_host_is_redirected_there(string publicHost, string requestHost, string? location)
    {
        using var services = new ServiceCollection().AddSingleton(new MediaOptions { PublicHost = publicHost }).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Host = new HostString(requestHost);
        context.Request.Path = "/media/up-1/480.jpg";

        var result = MediaEndpoints.RedirectToPublicHost(context);

        Assert.Equal(location, (result as Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult)?.Url);
    }
}
