using Byline.Content;

namespace Byline.Media;

/// <summary>A picture as the newsroom's scripts see it (the media picker, the editor's drops and pastes).</summary>
public sealed record MediaJson(int Id, string Alt, string Caption, string Credit, int Width, int Height, string Thumb, string Src)
{
    public static MediaJson Of(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var widths = MediaPaths.ParseWidths(image.Widths);
        var smallest = widths.DefaultIfEmpty(480).Min();
        // The body picture: the widest rendition up to 800 px.
        var body = widths.Where(w => w <= 800).DefaultIfEmpty(smallest).Max();
        return new MediaJson(image.Id, image.Alt, image.Caption, image.Credit, image.Width, image.Height,
            MediaPaths.Url(image.Key, smallest, "jpg"), MediaPaths.Url(image.Key, body, "jpg"));
    }
}
