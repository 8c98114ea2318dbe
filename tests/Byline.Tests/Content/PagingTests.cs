using Byline.Content;

namespace Byline.Tests.Content;

public sealed class PagingTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_absent_page_is_the_first(string? raw)
    {
        var parsed = Paging.Parse(raw, 20);
        Assert.Equal(PagingError.None, parsed.Error);
        Assert.Equal(1, parsed.Paging.Page);
        Assert.Equal(0, parsed.Paging.Skip);
    }

    [Theory]
    [InlineData("1", 1, 0)]
    [InlineData("2", 2, 20)]
    [InlineData("5000", 5000, 99980)]
    public void A_page_in_range_skips_the_pages_before_it(string raw, int page, int skip)
    {
        var parsed = Paging.Parse(raw, 20);
        Assert.Equal(PagingError.None, parsed.Error);
        Assert.Equal(page, parsed.Paging.Page);
        Assert.Equal(20, parsed.Paging.Size);
        Assert.Equal(skip, parsed.Paging.Skip);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("+2")]
    [InlineData(" 2")]
    [InlineData("2.0")]
    [InlineData("1e3")]
    [InlineData("０")]
    [InlineData("-99999999999")]
    [InlineData("2; drop table")]
    public void A_malformed_zero_or_negative_page_is_invalid(string raw) =>
        Assert.Equal(PagingError.Invalid, Paging.Parse(raw, 20).Error);

    [Theory]
    [InlineData("5001")]
    [InlineData("999999999")]
    [InlineData("99999999999")]
    [InlineData("99999999999999999999999999999")]
    public void A_page_beyond_the_bound_is_out_of_range(string raw) =>
        Assert.Equal(PagingError.OutOfRange, Paging.Parse(raw, 20).Error);

    [Fact]
    public void The_bound_is_MaxPage()
    {
        Assert.Equal(PagingError.None, Paging.Parse(Paging.MaxPage.ToString(System.Globalization.CultureInfo.InvariantCulture), 10).Error);
        Assert.Equal(PagingError.OutOfRange, Paging.Parse((Paging.MaxPage + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), 10).Error);
    }
}
