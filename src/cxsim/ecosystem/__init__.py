"""The ecosystem floor: customers, employees, partners, systems and the customer's mind."""
