namespace Byline.Newsroom.Stories;

/// <summary>The slide list of the editor: photo-story pictures (caption) or web-story pages (heading and text).</summary>
public sealed record SlideListView(StoryEditorModel Editor, bool WebStory)
{
    /// <summary>Empty rows sent with the form so that slides can be added without JavaScript; empty rows are dropped on save.</summary>
    public const int BlankRows = 3;
}
