"""The wire formats the simulator speaks: OpenAI chat completions, Anthropic messages, Gemini."""
