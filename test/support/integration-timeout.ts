// Integration tests wait on real PostgreSQL and RabbitMQ.
jest.setTimeout(60000);
