using Reliability.Sut.Apis;

namespace Reliability.Sut.Tests.Apis;

public sealed class ValidationTests
{
    [Theory]
    [InlineData("plain text", false, true)]
    [InlineData("emoji 🚀 and kanji 障害", false, true)]
    [InlineData("tab\tinside", false, false)]
    [InlineData("tab\tinside", true, true)]
    [InlineData("nul\0", true, false)]
    [InlineData("escape\u001b[31m", true, false)]
    public void Clean_text_allows_unicode_and_refuses_control_characters(string value, bool multiline, bool clean) =>
        Validation.IsCleanText(value, multiline).Should().Be(clean);

    [Fact]
    public void A_lone_surrogate_is_not_clean_text()
    {
        // Built at run time: attribute arguments cannot carry a lone surrogate intact.
        var value = "lone " + (char)0xD800 + " surrogate";
        Validation.IsCleanText(value, multiline: true).Should().BeFalse();
    }
}
