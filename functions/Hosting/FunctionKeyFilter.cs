using System.Security.Cryptography;
using System.Text;
using AudioFunctions.Errors;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Hosting;

/// <summary>Requires the function key (header <c>x-functions-key</c> or query <c>code</c>) when one is configured.</summary>
/// <remarks>
/// Under the Functions host the check is the host's: it has already enforced keys on HTTP
/// functions, and posts timer invocations to the handler's private port without any key.
/// </remarks>
internal sealed class FunctionKeyFilter(IOptions<AuthOptions> options, IConfiguration configuration) : IEndpointFilter
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.FunctionKey;
        if (!string.IsNullOrEmpty(expected) && !CustomHandlerHost.IsHosted(configuration))
        {
            var request = context.HttpContext.Request;
            var presented = request.Headers[HeaderName].ToString();
            if (presented.Length == 0)
                presented = request.Query[QueryName].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
                throw new ServiceException(ErrorKind.Unauthorized, ErrorCodes.Unauthorized,
                    $"This function needs its key, in the {HeaderName} header or the {QueryName} query parameter.");
        }
        return next(context);
    }
}
