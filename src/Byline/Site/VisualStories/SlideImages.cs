using Byline.Content;
using Byline.Site.Head;
using Byline.Site.Stories;
using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Site.VisualStories;

/// <summary>A picture of a slide as the pages draw it: renditions, size and the library's own words.</summary>
public sealed record SlideImage(int Id, string Key, string Widths, int Width, int Height, string Alt, string Caption, string Credit)
{
    public StoryImage AsStoryImage(string alt) => new(Key, Widths, Width, Height, alt);

    /// <summary>The largest stored rendition, for structured data and the full-screen viewer.</summary>
    public ImageRendition? Largest => LeadImages.Primary(Key, Widths, Width, Height);

    public string Thumb => MediaPaths.Url(Key, MediaPaths.ParseWidths(Widths).DefaultIfEmpty(480).Min(), "jpg");
}

/// <summary>A slide with its picture resolved; <see cref="Image"/> is null when the picture was deleted.</summary>
public sealed record ResolvedSlide(int Number, Slide Slide, SlideImage? Image)
{
    public string Alt => !string.IsNullOrWhiteSpace(Slide.Alt) ? Slide.Alt : Image?.Alt ?? "";

    /// <summary>The slide's own credit, else the picture's.</summary>
    public string Credit => !string.IsNullOrWhiteSpace(Slide.Credit) ? Slide.Credit : Image?.Credit ?? "";
}

/// <summary>Loads the pictures of photo-story and web-story slides in one query.</summary>
public sealed class SlideImages(BylineDb db)
{
    public async Task<IReadOnlyDictionary<int, SlideImage>> ByIdAsync(IEnumerable<int> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0)
        {
            return new Dictionary<int, SlideImage>();
        }
        return await db.Images.AsNoTracking().Where(i => wanted.Contains(i.Id))
            .Select(i => new SlideImage(i.Id, i.Key, i.Widths, i.Width, i.Height, i.Alt, i.Caption, i.Credit))
            .ToDictionaryAsync(i => i.Id, ct);
    }

    /// <summary>The slides of a story's format data with their pictures, in order.</summary>
    public async Task<IReadOnlyList<ResolvedSlide>> ResolveAsync(IReadOnlyList<Slide> slides, CancellationToken ct)
    {
        var images = await ByIdAsync(slides.Where(s => s.ImageId is not null).Select(s => s.ImageId!.Value), ct);
        return [.. slides.Select((s, i) => new ResolvedSlide(i + 1, s, s.ImageId is { } id ? images.GetValueOrDefault(id) : null))];
    }
}
