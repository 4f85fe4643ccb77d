using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Orchestration;

/// <summary>Pipeline settings, section <c>PIPELINE</c> (e.g. <c>PIPELINE__CONCURRENCY</c>).</summary>
public sealed class PipelineOptions
{
    public const string Section = "PIPELINE";

    /// <summary>Seconds between window starts (10 = no overlap, 5 = half overlap); fixed per session at its start.</summary>
    [ConfigurationKeyName("HOP_S")]
    [Range(0.5, 10)]
    public double HopSeconds { get; set; } = 10;

    /// <summary>Steps the local listener runs at once; 0 means one per core.</summary>
    [ConfigurationKeyName("CONCURRENCY")]
    [Range(0, 256)]
    public int Concurrency { get; set; }

    /// <summary>Deliveries of a failing message before it moves to the poison queue and its session to <c>error</c>.</summary>
    [ConfigurationKeyName("MAX_DEQUEUE_COUNT")]
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a step may run before its message is delivered again.</summary>
    [ConfigurationKeyName("VISIBILITY_TIMEOUT_S")]
    [Range(5, 7 * 24 * 3600)]
    public int VisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>Delay before a failed step is tried again (grows with each attempt).</summary>
    [ConfigurationKeyName("RETRY_DELAY_S")]
    [Range(0, 3600)]
    public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>How long <c>end</c> waits for the track to be stored before answering 202.</summary>
    [ConfigurationKeyName("END_WAIT_S")]
    [Range(0, 600)]
    public double EndWaitSeconds { get; set; } = 30;

    public int HopSamples => (int)Math.Round(HopSeconds * Audio.AudioWindow.SampleRateHz);

    public int EffectiveConcurrency => Concurrency > 0 ? Concurrency : Environment.ProcessorCount;
}
