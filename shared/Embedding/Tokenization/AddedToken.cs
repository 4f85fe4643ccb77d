namespace AudioFunctions.Embedding.Tokenization;

/// <summary>
/// One entry of <c>added_tokens</c> in a <c>tokenizer.json</c>: text matched literally before BPE and given its own
/// id. <c>lstrip</c>/<c>rstrip</c> let the match swallow the whitespace on that side (RoBERTa's &lt;mask&gt;);
/// <c>single_word</c> matches only when no word character touches either end.
/// </summary>
internal sealed record AddedToken(string Content, int Id, bool SingleWord, bool LeftStrip, bool RightStrip);
