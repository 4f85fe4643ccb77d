using System.Runtime.InteropServices;

namespace AudioFunctions.Inference;

/// <summary>
/// An ONNX Runtime object owned by managed code: released once, through the table's matching
/// <c>Release*</c> function, when disposed or finalized. Subclasses name the object kind.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(OrtApi api)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Api = api;
    }

    protected OrtApi Api { get; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of a pointer an ONNX Runtime call has just written.</summary>
    public void Adopt(IntPtr pointer) => SetHandle(pointer);
}
