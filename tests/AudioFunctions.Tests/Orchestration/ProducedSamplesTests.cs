using AudioFunctions.Orchestration;

namespace AudioFunctions.Tests.Orchestration;

public sealed class ProducedSamplesTests
{
    [Fact]
    public void CopyTo_GivesTheHeldEndOfARange_AcrossAddsThatOverflowTheCapacity()
    {
        // The stream is 0, 1, 2, ... from position 1000 on; the buffer keeps the newest 10.
        using var held = new ProducedSamples(streamStart: 1000, capacity: 10);
        var next = 1000f;
        foreach (var size in new[] { 3, 4, 6, 1, 25, 2 })
            held.Add(Enumerable.Range(0, size).Select(_ => next++).ToArray());
        var end = (long)next; // 1041: samples 1031..1040 are held

        var range = new float[15];
        Assert.Equal(10, held.CopyTo(end - 15, range));
        Assert.Equal(Enumerable.Range(1031, 10).Select(v => (float)v), range[5..]);
        Assert.All(range[..5], v => Assert.Equal(0, v));

        var inside = new float[4];
        Assert.Equal(4, held.CopyTo(end - 4, inside));
        Assert.Equal([1037f, 1038f, 1039f, 1040f], inside);
    }

    [Fact]
    public void CopyTo_GivesNothing_ForARangeThatEndsPastTheNewestSample()
    {
        using var held = new ProducedSamples(streamStart: 0, capacity: 8);
        held.Add([1, 2, 3, 4, 5]);
        Assert.Equal(0, held.CopyTo(3, new float[4]));   // ends after the newest sample
        var early = new float[3];
        Assert.Equal(3, held.CopyTo(0, early));          // ends before it, all held
        Assert.Equal([1f, 2f, 3f], early);
        Assert.Equal(5, held.CopyTo(0, new float[5]));
    }
}
