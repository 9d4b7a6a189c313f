"""Jobs: every long piece of work is a row that the pages, the API and the workers share."""
