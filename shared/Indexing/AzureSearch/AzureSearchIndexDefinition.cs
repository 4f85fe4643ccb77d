using System.Buffers.Text;
using System.Text;
using AudioFunctions.Embedding;
using AudioFunctions.Tracks;
using Azure.Search.Documents.Indexes.Models;
using Azure.Search.Documents.Models;

namespace AudioFunctions.Indexing.AzureSearch;

/// <summary>
/// The schema of a per-(collection, space) index and the document of one track vector in it. The filter fields come
/// twice: as written (for reading) and as <see cref="FilterKey"/> copies, because the service's <c>eq</c> is exact.
/// </summary>
public static class AzureSearchIndexDefinition
{
    public const string KeyField = "id";
    public const string TrackIdField = "trackId";
    public const string SpaceField = "space";
    public const string VersionField = "version";

    /// <summary>
    /// The names of every index the same version of the track was written to, so that one lookup per index tells
    /// whether a version is complete (a write that died between two indexes leaves it in some of them only).
    /// </summary>
    public const string TrackIndexesField = "trackIndexes";

    public const string ArtistsField = "artists";
    public const string AlbumField = "album";
    public const string GenresField = "genres";
    public const string ArtistsKeyField = "artistsKey";
    public const string AlbumKeyField = "albumKey";
    public const string GenresKeyField = "genresKey";
    public const string EmbeddingField = "embedding";

    public const string VectorProfile = "embedding-profile";
    public const string HnswConfiguration = "embedding-hnsw";

    /// <summary>The index for <paramref name="space"/>: its vector field has the space's dimensions, compared by cosine on an HNSW graph.</summary>
    public static SearchIndex Create(string name, EmbeddingSpace space, AzureSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(options);
        var index = new SearchIndex(name)
        {
            Fields =
            {
                new SimpleField(KeyField, SearchFieldDataType.String) { IsKey = true },
                new SimpleField(TrackIdField, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(SpaceField, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(VersionField, SearchFieldDataType.String),
                new SimpleField(TrackIndexesField, SearchFieldDataType.Collection(SearchFieldDataType.String)),
                new SimpleField(ArtistsField, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
                new SimpleField(AlbumField, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(GenresField, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
                new SimpleField(ArtistsKeyField, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
                new SimpleField(AlbumKeyField, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(GenresKeyField, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
                // Not retrievable: results carry only ids and scores, and vectors are the bulk of a document.
                new VectorSearchField(EmbeddingField, space.Dimensions, VectorProfile) { IsHidden = true },
            },
            VectorSearch = new VectorSearch
            {
                Algorithms =
                {
                    new HnswAlgorithmConfiguration(HnswConfiguration)
                    {
                        Parameters = new HnswParameters
                        {
                            M = options.HnswM,
                            EfConstruction = options.HnswEfConstruction,
                            EfSearch = options.HnswEfSearch,
                            Metric = VectorSearchAlgorithmMetric.Cosine,
                        },
                    },
                },
                Profiles = { new VectorSearchProfile(VectorProfile, HnswConfiguration) },
            },
        };
        return index;
    }

    /// <summary>
    /// The document key of a track: its id's UTF-8 in unpadded base64url, since keys allow only letters, digits,
    /// '_', '-' and '=' while track ids may hold anything.
    /// </summary>
    public static string DocumentKey(string trackId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(trackId));

    /// <summary>
    /// The normalised copy of a filter value: trimmed and upper-cased invariantly, which is the mapping
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> compares by, so exact equality of keys is the filter's equality.
    /// </summary>
    public static string FilterKey(string value) => value.Trim().ToUpperInvariant();

    /// <summary>
    /// The document of one vector of <paramref name="track"/>; <paramref name="trackIndexes"/> names every index this
    /// version of the track is written to.
    /// </summary>
    public static SearchDocument Document(StoredTrack track, string version, TrackVector vector, IReadOnlyCollection<string> trackIndexes)
    {
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(trackIndexes);
        var fields = TrackFilterFields.From(track.Metadata);
        return new SearchDocument
        {
            [KeyField] = DocumentKey(track.TrackId),
            [TrackIdField] = track.TrackId,
            [SpaceField] = vector.Space.Id,
            [VersionField] = version,
            [TrackIndexesField] = trackIndexes.Order(StringComparer.Ordinal).ToArray(),
            [ArtistsField] = fields.Artists.ToArray(),
            [AlbumField] = fields.Album,
            [GenresField] = fields.Genres.ToArray(),
            [ArtistsKeyField] = fields.Artists.Select(FilterKey).ToArray(),
            [AlbumKeyField] = fields.Album is null ? null : FilterKey(fields.Album),
            [GenresKeyField] = fields.Genres.Select(FilterKey).ToArray(),
            [EmbeddingField] = vector.Values,
        };
    }
}
