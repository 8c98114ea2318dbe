using Byline.Publishing;

namespace Byline.Tests.Newsroom;

public sealed class TextDiffTests
{
    [Fact]
    public void A_changed_word_is_marked_and_the_rest_of_the_line_is_not()
    {
        var rows = TextDiff.Compare(["Same line", "The mayor said on Friday."], ["Same line", "The mayor said on Saturday."]);

        Assert.Equal(DiffKind.Same, rows[0].Kind);
        Assert.Equal(DiffKind.Changed, rows[1].Kind);
        Assert.Equal("The mayor said on <del>Friday.</del>", rows[1].LeftHtml);
        Assert.Equal("The mayor said on <ins>Saturday.</ins>", rows[1].RightHtml);
    }

    [Fact]
    public void Added_and_removed_lines_stand_alone()
    {
        var rows = TextDiff.Compare(["a", "b", "c"], ["a", "c", "d"]);

        Assert.Contains(rows, r => r.Kind == DiffKind.Removed && r.LeftHtml == "<del>b</del>");
        Assert.Contains(rows, r => r.Kind == DiffKind.Added && r.RightHtml == "<ins>d</ins>");
        Assert.Equal(2, rows.Count(r => r.Kind == DiffKind.Same));
    }

    [Fact]
    public void Text_is_encoded_so_a_diff_cannot_inject_markup()
    {
        var (left, right) = TextDiff.Words("<b>x</b>", "<script>alert(1)</script>");

        Assert.DoesNotContain("<script>", right, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", right, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", left, StringComparison.Ordinal);
    }
}
