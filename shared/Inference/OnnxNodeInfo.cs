namespace AudioFunctions.Inference;

/// <summary>
/// One input or output of a model as the model declares it.
/// </summary>
/// <param name="Name">The name that <see cref="OnnxTensor"/> inputs and requested outputs use.</param>
/// <param name="ElementType">The tensor's element type; <see cref="TensorElementType.Undefined"/> when the value is not a tensor (a map or sequence).</param>
/// <param name="Shape">The declared dimensions, -1 where a dimension is symbolic or unknown (e.g. a batch size); empty for a scalar or a non-tensor.</param>
public sealed record OnnxNodeInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape);
