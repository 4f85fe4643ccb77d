namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// The relation between the <c>@search.score</c> of a vector query on a cosine field and the cosine itself. The service
/// reports <c>score = 1 / (1 + d)</c> with the cosine distance <c>d = 1 - cos</c>, so that scores fall as matches
/// worsen; hence <c>cos = 1 - (1 - score) / score = 2 - 1 / score</c>, and scores lie in [1/3, 1].
/// </summary>
public static class AzureSearchScore
{
    /// <summary>The cosine similarity, in [-1, 1], behind a <c>@search.score</c>.</summary>
    public static double ToCosine(double score) => 2.0 - 1.0 / score;

    /// <summary>The <c>@search.score</c> the service gives a document at cosine similarity <paramref name="cosine"/>.</summary>
    public static double FromCosine(double cosine) => 1.0 / (2.0 - cosine);
}
