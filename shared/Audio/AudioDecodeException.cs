namespace AudioFunctions.Audio;

/// <summary>
/// Compressed audio could not be decoded: the input is not valid audio of its declared container,
/// holds no audio, or the decoder failed, timed out or is not installed. The message says which, in
/// plain words, with the decoder's own last error line when it gave one.
/// </summary>
public sealed class AudioDecodeException : Exception
{
    public AudioDecodeException()
        : base("the audio could not be decoded")
    {
    }

    public AudioDecodeException(string message)
        : base(message)
    {
    }

    public AudioDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
