namespace Byline.Content;

/// <summary>A story's picture as cards and lists show it: the rendition key, its widths and the alt text.</summary>
public sealed record StoryImage(string Key, string Widths, int Width, int Height, string Alt);
