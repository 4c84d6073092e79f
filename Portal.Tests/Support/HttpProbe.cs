using System.Net;

namespace Portal.Tests.Support;

/// <summary>Polls a URL (on 127.0.0.1) until it answers 200, as a health check would.</summary>
public static class HttpProbe
{
    public static async Task<string> GetWhenUpAsync(Uri uri, int seconds = 20)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(uri);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await response.Content.ReadAsStringAsync();
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{uri} did not answer 200 within {seconds} s (last: {last})");
        return "";
    }
}
