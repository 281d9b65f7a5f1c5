using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Tests;

/// <summary>Orion's DateTime grammar (orion-api.md "Datetime support"), read and written back as Orion renders it.</summary>
public sealed class DatesTests
{
    [Theory]
    [InlineData("2017-06-17", "2017-06-17T00:00:00.000Z")]
    [InlineData("2017-06-17T07", "2017-06-17T07:00:00.000Z")]
    [InlineData("2017-06-17T07:21", "2017-06-17T07:21:00.000Z")]
    [InlineData("2017-06-17T0721", "2017-06-17T07:21:00.000Z")]
    [InlineData("2017-06-17T07:21:24", "2017-06-17T07:21:24.000Z")]
    [InlineData("2017-06-17T072124", "2017-06-17T07:21:24.000Z")]
    [InlineData("2017-06-17T07:21:24.238", "2017-06-17T07:21:24.238Z")]
    [InlineData("2017-06-17T072124.238", "2017-06-17T07:21:24.238Z")]
    [InlineData("2017-06-17T07:21:24.2389999Z", "2017-06-17T07:21:24.238Z")]
    [InlineData("2017-06-17T07:21:24.238Z", "2017-06-17T07:21:24.238Z")]
    [InlineData("2017-06-17T07:21:24.238+02:00", "2017-06-17T05:21:24.238Z")]
    [InlineData("2017-06-17T07:21:24+0230", "2017-06-17T04:51:24.000Z")]
    [InlineData("2017-06-17T01:00-03", "2017-06-17T04:00:00.000Z")]
    [InlineData("2017-06-17T23:30:00-01:00", "2017-06-18T00:30:00.000Z")]
    [InlineData("2024-02-29", "2024-02-29T00:00:00.000Z")]
    public void TryParse_everyOrionForm_isReadAsUtcMilliseconds(string text, string expected)
    {
        Dates.TryParse(text, out var utc).ShouldBeTrue(text);

        Dates.Format(utc).ShouldBe(expected);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("2017-06-17Z")]
    [InlineData("2017-06-17+02:00")]
    [InlineData("2017-6-17")]
    [InlineData("2017-13-01")]
    [InlineData("2023-02-29")]
    [InlineData("2017-06-17T24:00")]
    [InlineData("2017-06-17T07:60")]
    [InlineData("2017-06-17T07:21:24.")]
    [InlineData("2017-06-17T07:21:2")]
    [InlineData("2017-06-17T07:21Zjunk")]
    [InlineData("2017-06-17T07:21+2")]
    [InlineData("2017-06-17T07:21+02:0")]
    [InlineData("2017-06-17 07:21")]
    [InlineData("0000-01-01")]
    public void TryParse_whatOrionRefuses_isRefused(string text)
    {
        Dates.TryParse(text, out _).ShouldBeFalse(text);
    }
}
